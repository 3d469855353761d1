package dev.jamespipeline.stages;

import java.io.IOException;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.mailetcontainer.impl.CompositeProcessorImpl;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.Connection;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.ConsumerPool;
import dev.jamespipeline.core.broker.FailureRouter;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;

/**
 * Starts {@code stage.concurrency} consumers per configured stage, each on its own channel with
 * {@code stage.prefetch} unacked messages. Listed in {@code extensions.properties} as
 * {@code guice.extension.startable}.
 */
public class StageConsumersStartable implements UserDefinedStartable {
    private static final Logger LOGGER = LoggerFactory.getLogger(StageConsumersStartable.class);

    private final PipelineConfiguration configuration;
    private final Topology topology;
    private final EnvelopeCodec codec;
    private final StageRunner runner;
    private final FailureRouter failures;
    private final ConfirmedPublisher publisher;
    private final CompositeProcessorImpl processors;
    private final DeadLetterNotice notice;
    private ConsumerPool pool;

    @Inject
    public StageConsumersStartable(PipelineConfiguration configuration, Topology topology, EnvelopeCodec codec,
                                   StageRunner runner, ConfirmedPublisher publisher, CompositeProcessorImpl processors,
                                   DeadLetterNotice notice) {
        this.configuration = configuration;
        this.topology = topology;
        this.codec = codec;
        this.runner = runner;
        this.failures = new FailureRouter(publisher, topology, configuration.retryDelays());
        this.publisher = publisher;
        this.processors = processors;
        this.notice = notice;
    }

    @Override
    public void start() {
        requireStageProcessors();
        int consumers = configuration.stages().size() * configuration.stageConcurrency();
        pool = new ConsumerPool(configuration, topology, "james-pipeline-stage-consumers", consumers);
        pool.start(this::startConsumers);
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

    private void startConsumers(Connection opened) throws IOException {
        for (String stage : configuration.stages()) {
            String queue = topology.stageQueue(stage);
            for (int i = 0; i < configuration.stageConcurrency(); i++) {
                pool.consume(opened, queue, configuration.stagePrefetch(),
                    channel -> new StageConsumer(channel, stage, queue, codec, runner, failures, notice));
            }
            LOGGER.info("Stage '{}': {} consumers on {}", stage, configuration.stageConcurrency(), queue);
        }
        publisher.connect();
    }

    @PreDestroy
    public void stop() {
        if (pool != null) {
            pool.stop();
        }
    }
}
