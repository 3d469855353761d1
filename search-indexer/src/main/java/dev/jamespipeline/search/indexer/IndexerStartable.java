package dev.jamespipeline.search.indexer;

import java.time.Clock;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.lifecycle.api.Startable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.runtime.FailureRouter;
import dev.jamespipeline.core.runtime.WorkHandler;
import dev.jamespipeline.core.runtime.WorkQueueHealth;
import dev.jamespipeline.core.runtime.WorkQueueRuntime;
import dev.jamespipeline.search.index.IndexUnavailableException;

/**
 * Runs the search indexer on the work-queue runtime: declares the index queue, then keeps
 * {@code search.indexer.concurrency} batching consumers on it. The indexer has its own connections,
 * apart from the SMTP path's.
 */
public class IndexerStartable implements Startable {
    private static final Logger LOGGER = LoggerFactory.getLogger(IndexerStartable.class);

    private final BrokerConnection publisherConnection;
    private final ConfirmedPublisher publisher;
    private final WorkQueueRuntime runtime;
    private final WorkQueueHealth health;

    @Inject
    public IndexerStartable(SearchConfiguration configuration, IndexUpdater updater, IndexLag lag, Clock clock) {
        Topology topology = new Topology(configuration.pipeline());
        this.publisherConnection = new BrokerConnection(configuration.pipeline(), topology, "james-pipeline-indexer-publisher");
        this.publisher = new ConfirmedPublisher(publisherConnection, configuration.pipeline().publishConfirmTimeout());
        this.runtime = new WorkQueueRuntime(configuration.pipeline(), topology, "james-pipeline-indexer",
            new FailureRouter(publisher, topology), new EnvelopeSigner(configuration.pipeline().signingKeys()), channel -> {
                topology.declareIndexQueue(channel);
                ensureIndex(updater);
            }, clock);
        runtime.register(topology.indexQueue(), topology.policyOf(topology.indexQueue()), new IndexWorkHandler(
            new EnvelopeCodec(), updater, lag, new WorkHandler.Batching(configuration.batchSize(), configuration.batchLinger())));
        this.health = new WorkQueueHealth(runtime, clock);
    }

    private static void ensureIndex(IndexUpdater updater) {
        try {
            updater.ensureIndex();
        } catch (IndexUnavailableException e) {
            LOGGER.warn("Search index not created yet ({}); the first event will try again", e.getMessage());
        }
    }

    public void start() {
        runtime.start();
    }

    /** Stops consuming index events until {@link #resume()}; searches stay exact through the backlog. */
    public void pause() {
        runtime.pause();
    }

    public void resume() {
        runtime.resume();
    }

    public boolean paused() {
        return runtime.paused();
    }

    /** Whether the index queue has consumers and keeps up, for the search health check. */
    public WorkQueueHealth health() {
        return health;
    }

    @PreDestroy
    public void stop() {
        runtime.close();
        publisher.close();
        publisherConnection.close();
    }
}
