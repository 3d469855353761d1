package dev.jamespipeline.search.indexer;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.lifecycle.api.Startable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.ConsumerPool;
import dev.jamespipeline.core.broker.FailureRouter;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.search.index.IndexUnavailableException;

/**
 * Declares the index queue and starts {@code search.indexer.concurrency} batching consumers on it.
 * The indexer has its own connection and publisher, apart from the SMTP path's.
 */
public class IndexerStartable implements Startable {
    private static final Logger LOGGER = LoggerFactory.getLogger(IndexerStartable.class);

    private final SearchConfiguration configuration;
    private final IndexUpdater updater;
    private final IndexLag lag;
    private final Topology topology;
    private final EnvelopeCodec codec = new EnvelopeCodec();
    private final EnvelopeSigner signer;
    private final List<IndexEventConsumer> consumers = new ArrayList<>();
    private BrokerConnection publisherConnection;
    private ConfirmedPublisher publisher;
    private ConsumerPool pool;

    @Inject
    public IndexerStartable(SearchConfiguration configuration, IndexUpdater updater, IndexLag lag) {
        this.configuration = configuration;
        this.updater = updater;
        this.lag = lag;
        this.topology = new Topology(configuration.pipeline());
        this.signer = new EnvelopeSigner(configuration.pipeline().signingKeys());
    }

    public void start() {
        publisherConnection = new BrokerConnection(configuration.pipeline(), topology, "james-pipeline-indexer-publisher");
        publisher = new ConfirmedPublisher(publisherConnection, configuration.pipeline().publishConfirmTimeout());
        FailureRouter failures = new FailureRouter(publisher, topology, configuration.pipeline().retryDelays());
        pool = new ConsumerPool(configuration.pipeline(), topology, "james-pipeline-indexer", configuration.concurrency());
        pool.start(connection -> startConsumers(connection, failures));
    }

    private void startConsumers(Connection connection, FailureRouter failures) throws IOException {
        stopConsumerWorkers(); // left from an attempt the connection broke off, if any
        try (Channel declaring = connection.createChannel()) {
            topology.declareIndexQueue(declaring);
        } catch (TimeoutException e) {
            throw new IOException("Timed out closing the channel that declared the index queue", e);
        }
        try {
            updater.ensureIndex();
        } catch (IndexUnavailableException e) {
            LOGGER.warn("Search index not created yet ({}); the first event will try again", e.getMessage());
        }
        String queue = topology.indexQueue();
        for (int i = 0; i < configuration.concurrency(); i++) {
            String workerName = "pipeline-indexer-" + (i + 1);
            pool.consume(connection, queue, configuration.prefetch(), channel -> {
                IndexEventConsumer consumer = new IndexEventConsumer(channel, queue, codec, signer, updater, failures, lag,
                    configuration.batchSize(), configuration.batchLinger(), workerName);
                synchronized (consumers) {
                    consumers.add(consumer);
                }
                return consumer;
            });
        }
        publisher.connect();
        LOGGER.info("Search indexer: {} consumers on {}", configuration.concurrency(), queue);
    }

    private void stopConsumerWorkers() {
        synchronized (consumers) {
            consumers.forEach(IndexEventConsumer::stop);
            consumers.clear();
        }
    }

    @PreDestroy
    public void stop() {
        if (pool != null) {
            pool.stop();
        }
        stopConsumerWorkers();
        if (publisher != null) {
            publisher.close();
            publisherConnection.close();
        }
    }
}
