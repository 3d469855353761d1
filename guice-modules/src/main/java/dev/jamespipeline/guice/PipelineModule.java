package dev.jamespipeline.guice;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import javax.inject.Named;
import javax.inject.Singleton;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.ConnectionNames;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.delivery.DeliveryAnnouncer;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.ingest.MailIngestor;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.FileDeliveryLedger;
import dev.jamespipeline.core.store.FileMessageStore;
import dev.jamespipeline.core.store.MessageStore;

/**
 * The pipeline's shared objects, one of each for all mailets, hooks, listeners and stage
 * consumers. Listed in {@code extensions.properties} as {@code guice.extension.module}.
 */
public class PipelineModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(PipelineModule.class);

    @Provides
    @Singleton
    PipelineConfiguration configuration(PropertiesProvider propertiesProvider) throws ConfigurationException {
        try {
            return PipelineConfiguration.from(propertiesProvider.getConfiguration("pipeline"));
        } catch (FileNotFoundException e) {
            LOGGER.warn("conf/pipeline.properties not found: using the defaults documented in the README");
            return PipelineConfiguration.from(new BaseConfiguration());
        }
    }

    @Provides
    @Singleton
    Topology topology(PipelineConfiguration configuration) {
        return new Topology(configuration);
    }

    @Provides
    @Singleton
    EnvelopeCodec envelopeCodec() {
        return new EnvelopeCodec();
    }

    @Provides
    @Singleton
    EnvelopeSigner envelopeSigner(PipelineConfiguration configuration) {
        return new EnvelopeSigner(configuration.signingKeys());
    }

    @Provides
    @Singleton
    @Named("pipeline.store.root")
    Path storeRoot(PipelineConfiguration configuration, FileSystem fileSystem) throws FileNotFoundException {
        // Relative paths are relative to James's working directory, like James's own var/.
        return fileSystem.getBasedir().toPath().resolve(configuration.storeRoot()).normalize();
    }

    @Provides
    @Singleton
    MessageStore messageStore(@Named("pipeline.store.root") Path root) throws IOException {
        return new FileMessageStore(root.resolve("messages"));
    }

    @Provides
    @Singleton
    DeliveryLedger deliveryLedger(@Named("pipeline.store.root") Path root) throws IOException {
        return new FileDeliveryLedger(root.resolve("ledger"));
    }

    @Provides
    @Singleton
    @Named(ConnectionNames.PUBLISHER)
    BrokerConnection publisherConnection(PipelineConfiguration configuration, Topology topology) {
        return new BrokerConnection(configuration, topology, "james-pipeline-publisher");
    }

    @Provides
    @Singleton
    ConfirmedPublisher publisher(@Named(ConnectionNames.PUBLISHER) BrokerConnection connection, PipelineConfiguration configuration) {
        return new ConfirmedPublisher(connection, configuration.publishConfirmTimeout());
    }

    @Provides
    @Singleton
    EventPublisher eventPublisher(ConfirmedPublisher publisher, Topology topology, EnvelopeCodec codec, EnvelopeSigner signer) {
        return new EventPublisher(publisher, topology, codec, signer);
    }

    @Provides
    @Singleton
    MailIngestor mailIngestor(MessageStore store, EventPublisher events, PipelineConfiguration configuration, Clock clock) {
        return new MailIngestor(store, events, configuration, clock);
    }

    @Provides
    @Singleton
    DeliveryAnnouncer deliveryAnnouncer(DeliveryLedger ledger, EventPublisher events) {
        return new DeliveryAnnouncer(ledger, events);
    }
}
