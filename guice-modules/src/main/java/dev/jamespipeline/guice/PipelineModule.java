package dev.jamespipeline.guice;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;

import javax.inject.Named;
import javax.inject.Provider;
import javax.inject.Singleton;
import javax.sql.DataSource;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.utils.PropertiesProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Binding;
import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.Provides;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.outbound.InMemoryWaitingJobs;
import dev.jamespipeline.core.outbound.WaitingJobs;
import dev.jamespipeline.outbound.OutboundModule;
import dev.jamespipeline.state.PostgresWaitingJobs;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.ConnectionNames;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.config.InvalidSettingException;
import dev.jamespipeline.core.config.SettingsReader;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.delivery.DeliveryAnnouncer;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.ingest.MailIngestor;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.search.IndexBacklog;
import dev.jamespipeline.core.ledger.FileDeliveryLedger;
import dev.jamespipeline.core.store.FileMessageStore;
import dev.jamespipeline.core.store.FileRetentionSweeper;
import dev.jamespipeline.core.retention.RetentionSchedule;
import dev.jamespipeline.core.runtime.BackgroundTasks;
import dev.jamespipeline.core.state.StateSettings;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.mailbox.postgres.MessageAppendHook;
import dev.jamespipeline.ops.state.FileStoreSpace;
import dev.jamespipeline.ops.state.PostgresStoreSpace;
import dev.jamespipeline.ops.state.StoreSpace;
import dev.jamespipeline.state.PipelineAppendHook;
import dev.jamespipeline.state.PipelineStateSchema;
import dev.jamespipeline.state.PostgresDeliveryLedger;
import dev.jamespipeline.state.PostgresMessageStore;
import dev.jamespipeline.state.PostgresStateTasks;

/**
 * The pipeline's shared objects, one of each for all mailets, hooks, listeners and stage
 * consumers. Listed in {@code extensions.properties} as {@code guice.extension.module}.
 */
public class PipelineModule extends AbstractModule {
    private static final Logger LOGGER = LoggerFactory.getLogger(PipelineModule.class);
    private static final String STATE_DATABASE = "pipeline.state.database";

    @Override
    protected void configure() {
        install(new OutboundModule());
        install(new SpamScanModule());
        install(new VirusScanModule());
        install(new AuthenticationModule());
        install(new QuarantineModule());
    }

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

    /**
     * The DataSource the server main binds from {@code james-database.properties} (the parent injector's),
     * with the pipeline's tables migrated. Only asked for when a backend is {@code postgres}, so the
     * stock-James drop-in, with files, needs none.
     */
    @Provides
    @Singleton
    @Named(STATE_DATABASE)
    DataSource stateDatabase(Injector injector) {
        Binding<DataSource> bound = injector.getExistingBinding(Key.get(DataSource.class));
        if (bound == null) {
            throw new InvalidSettingException("pipeline.properties: " + StateSettings.LEDGER_BACKEND + " or "
                + StateSettings.STORE_BACKEND + " is postgres, but James has no PostgreSQL DataSource: run the pipeline's "
                + "server main with database.url in james-database.properties");
        }
        DataSource dataSource = bound.getProvider().get();
        PipelineStateSchema.migrate(dataSource);
        return dataSource;
    }

    /**
     * The search index backlog the server main binds in James's injector, which the listeners fill; the
     * stock-James drop-in has no index, and none.
     */
    @Provides
    @Singleton
    @Named(IndexBacklog.PIPELINE_BINDING)
    IndexBacklog indexBacklog(Injector injector) {
        Binding<IndexBacklog> bound = injector.getExistingBinding(Key.get(IndexBacklog.class));
        return bound == null ? IndexBacklog.NONE : bound.getProvider().get();
    }

    @Provides
    @Singleton
    MessageStore messageStore(PipelineConfiguration configuration, @Named("pipeline.store.root") Path root,
                              @Named(STATE_DATABASE) Provider<DataSource> database) throws IOException {
        if (configuration.state().storeBackend() == StateSettings.Backend.POSTGRES) {
            return new PostgresMessageStore(database.get());
        }
        return new FileMessageStore(messagesDirectory(root));
    }

    @Provides
    @Singleton
    DeliveryLedger deliveryLedger(PipelineConfiguration configuration, @Named("pipeline.store.root") Path root,
                                  @Named(STATE_DATABASE) Provider<DataSource> database, Injector injector) throws IOException {
        boolean postgres = configuration.state().ledgerBackend() == StateSettings.Backend.POSTGRES;
        requireMatchingAppendHook(postgres, injector);
        if (postgres) {
            return new PostgresDeliveryLedger(database.get());
        }
        return new FileDeliveryLedger(ledgerDirectory(root));
    }

    /**
     * The PostgreSQL mailbox announces every delivery through the pipeline's outbox when
     * {@link PipelineAppendHook} is its hook; only the PostgreSQL ledger has a relay for that outbox, and
     * only that hook tells the PostgreSQL ledger about deliveries. The two go together or not at all.
     */
    private static void requireMatchingAppendHook(boolean postgresLedger, Injector injector) {
        Binding<MessageAppendHook> hook = injector.getExistingBinding(Key.get(MessageAppendHook.class));
        boolean pipelineHook = hook != null && hook.getProvider().get() instanceof PipelineAppendHook;
        if (postgresLedger && !pipelineHook) {
            throw SettingsReader.invalid(StateSettings.LEDGER_BACKEND, "postgres",
                "file: the postgres ledger is written by the PostgreSQL mailbox's append hook, and this James has no "
                    + "PostgreSQL mailbox with " + PipelineAppendHook.class.getSimpleName() + " bound");
        }
        if (!postgresLedger && pipelineHook) {
            throw SettingsReader.invalid(StateSettings.LEDGER_BACKEND, "file",
                "postgres: the PostgreSQL mailbox writes mail.delivered to the pipeline's outbox, which only the postgres "
                    + "ledger's relay publishes");
        }
    }

    private static Path messagesDirectory(Path storeRoot) {
        return storeRoot.resolve("messages");
    }

    private static Path ledgerDirectory(Path storeRoot) {
        return storeRoot.resolve("ledger");
    }

    /** What the pipeline state sampler measures of the message store's room: its file system, or the database's size. */
    @Provides
    @Singleton
    StoreSpace storeSpace(PipelineConfiguration configuration, @Named("pipeline.store.root") Path root,
                          @Named(STATE_DATABASE) Provider<DataSource> database) {
        if (configuration.state().storeBackend() == StateSettings.Backend.POSTGRES) {
            return new PostgresStoreSpace(database.get());
        }
        return new FileStoreSpace(messagesDirectory(root));
    }

    /** The retention sweeper of each backend in use, and the outbox relay with the PostgreSQL ledger. */
    @Provides
    @Singleton
    BackgroundTasks backgroundTasks(PipelineConfiguration configuration, @Named("pipeline.store.root") Path root,
                                    @Named(STATE_DATABASE) Provider<DataSource> database, EventPublisher events,
                                    EnvelopeCodec codec, Clock clock) {
        StateSettings state = configuration.state();
        Optional<Path> fileStore = state.storeBackend() == StateSettings.Backend.FILE
            ? Optional.of(messagesDirectory(root)) : Optional.empty();
        Optional<Path> fileLedger = state.ledgerBackend() == StateSettings.Backend.FILE
            ? Optional.of(ledgerDirectory(root)) : Optional.empty();
        BackgroundTasks files = fileStore.isEmpty() && fileLedger.isEmpty() ? BackgroundTasks.NONE
            : new RetentionSchedule("file state", new FileRetentionSweeper(fileStore, fileLedger, state.storeGrace(),
                state.ledgerRetention(), clock), state.sweepInterval());
        BackgroundTasks postgres = state.usesPostgres() ? new PostgresStateTasks(database.get(), events, codec, state)
            : BackgroundTasks.NONE;
        return BackgroundTasks.all(files, postgres);
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

    /** Outbound jobs waiting for a retry, as WebAdmin shows them: shared rows with the PostgreSQL state, else this node's heap. */
    @Provides
    @Singleton
    WaitingJobs waitingJobs(PipelineConfiguration configuration, @Named(STATE_DATABASE) Provider<DataSource> database,
                            EnvelopeCodec codec) {
        if (configuration.state().usesPostgres()) {
            return new PostgresWaitingJobs(database.get(), codec);
        }
        return new InMemoryWaitingJobs();
    }

    @Provides
    @Singleton
    DeliveryAnnouncer deliveryAnnouncer(DeliveryLedger ledger, EventPublisher events) {
        return new DeliveryAnnouncer(ledger, events);
    }
}
