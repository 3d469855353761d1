package dev.jamespipeline.stages;

import java.io.IOException;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.mailetcontainer.impl.CompositeProcessorImpl;
import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.runtime.BackgroundTasks;

/**
 * Starts this node's stage consumers, and the background tasks that go with them (the outbox relay
 * and the retention sweeper when the state is in PostgreSQL), once James is up. Listed in {@code extensions.properties}
 * as {@code guice.extension.startable}.
 */
public class StageConsumersStartable implements UserDefinedStartable {
    private static final Logger LOGGER = LoggerFactory.getLogger(StageConsumersStartable.class);

    private final PipelineConfiguration configuration;
    private final StageWorkers workers;
    private final ConfirmedPublisher publisher;
    private final CompositeProcessorImpl processors;
    private final BackgroundTasks backgroundTasks;

    @Inject
    public StageConsumersStartable(PipelineConfiguration configuration, StageWorkers workers, ConfirmedPublisher publisher,
                                   CompositeProcessorImpl processors, BackgroundTasks backgroundTasks) {
        this.configuration = configuration;
        this.workers = workers;
        this.publisher = publisher;
        this.processors = processors;
        this.backgroundTasks = backgroundTasks;
    }

    @Override
    public void start() {
        requireStageProcessors();
        workers.start();
        backgroundTasks.start();
        try {
            // Opened now so the first SMTP client does not wait for it.
            publisher.connect();
        } catch (IOException e) {
            LOGGER.warn("RabbitMQ not reachable yet ({}); publishes will connect when it is", e.getMessage());
        }
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

    @PreDestroy
    public void stop() {
        workers.close();
        backgroundTasks.close();
    }
}
