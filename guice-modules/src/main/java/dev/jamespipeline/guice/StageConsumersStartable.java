package dev.jamespipeline.guice;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.mailetcontainer.impl.CompositeProcessorImpl;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.FailureRouter;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;

/**
 * Starts {@code stage.concurrency} consumers per configured stage, each on its own channel with
 * {@code stage.prefetch} unacked messages. Listed in {@code extensions.properties} as
 * {@code guice.extension.startable}. If RabbitMQ is down when James starts, consumers start as
 * soon as it is reachable; after that the client library's recovery brings them back.
 */
public class StageConsumersStartable implements UserDefinedStartable {
    private static final Logger LOGGER = LoggerFactory.getLogger(StageConsumersStartable.class);
    private static final long SHUTDOWN_GRACE_SECONDS = 10;

    private final PipelineConfiguration configuration;
    private final Topology topology;
    private final EnvelopeCodec codec;
    private final StageRunner runner;
    private final FailureRouter failures;
    private final ConfirmedPublisher publisher;
    private final CompositeProcessorImpl processors;
    private final List<Channel> channels = new ArrayList<>();
    private ExecutorService executor;
    private BrokerConnection connection;
    private Thread connector;
    private volatile boolean stopping;

    @Inject
    public StageConsumersStartable(PipelineConfiguration configuration, Topology topology, EnvelopeCodec codec,
                                   StageRunner runner, ConfirmedPublisher publisher, CompositeProcessorImpl processors) {
        this.configuration = configuration;
        this.topology = topology;
        this.codec = codec;
        this.runner = runner;
        this.failures = new FailureRouter(publisher, topology, configuration.retryDelays());
        this.publisher = publisher;
        this.processors = processors;
    }

    @Override
    public void start() {
        requireStageProcessors();
        int consumers = configuration.stages().size() * configuration.stageConcurrency();
        AtomicInteger threadNumber = new AtomicInteger();
        executor = Executors.newFixedThreadPool(consumers, runnable -> {
            Thread thread = new Thread(runnable, "pipeline-stage-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        connection = new BrokerConnection(configuration, topology, "james-pipeline-stage-consumers", executor);
        connector = new Thread(this::connectUntilStopped, "pipeline-stage-connector");
        connector.setDaemon(true);
        connector.start();
    }

    private void requireStageProcessors() {
        if (processors.getProcessorStates().length == 0) {
            LOGGER.warn("Mailet processors are not initialised yet; stage processors are checked on first use");
            return;
        }
        for (String stage : configuration.stages()) {
            if (processors.getProcessor(stage) == null) {
                throw new IllegalStateException("pipeline.properties names stage '" + stage
                    + "' but mailetcontainer.xml has no <processor state=\"" + stage + "\">");
            }
        }
    }

    private void connectUntilStopped() {
        while (!stopping) {
            try {
                startConsumers(connection.get());
                publisher.connect();
                return;
            } catch (IOException e) {
                LOGGER.warn("Stage consumers not started yet: {}", e.getMessage());
                sleepQuietly(configuration.networkRecoveryInterval().toMillis());
            }
        }
    }

    private synchronized void startConsumers(Connection opened) throws IOException {
        for (String stage : configuration.stages()) {
            String queue = topology.stageQueue(stage);
            for (int i = 0; i < configuration.stageConcurrency(); i++) {
                Channel channel = opened.createChannel();
                channel.basicQos(configuration.stagePrefetch());
                channel.basicConsume(queue, false, new StageConsumer(channel, stage, queue, codec, runner, failures));
                channels.add(channel);
            }
            LOGGER.info("Stage '{}': {} consumers on {}", stage, configuration.stageConcurrency(), queue);
        }
    }

    @PreDestroy
    public void stop() {
        stopping = true;
        if (connector != null) {
            connector.interrupt();
        }
        synchronized (this) {
            for (Channel channel : channels) {
                try {
                    channel.close();
                } catch (Exception e) {
                    LOGGER.debug("Channel already closed", e);
                }
            }
            channels.clear();
        }
        // Unacked messages of handlers still running go back to the queue; their idempotency makes that safe.
        if (connection != null) {
            connection.close();
        }
        if (executor != null) {
            executor.shutdown();
            try {
                executor.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
