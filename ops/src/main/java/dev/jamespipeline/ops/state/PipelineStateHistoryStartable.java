package dev.jamespipeline.ops.state;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.utils.UserDefinedStartable;

/**
 * Starts keeping the pipeline state's last minutes for the live page once James is up. Listed in
 * {@code extensions.properties} as one of the {@code guice.extension.startable}.
 */
public class PipelineStateHistoryStartable implements UserDefinedStartable {
    private final PipelineStateHistory history;

    @Inject
    public PipelineStateHistoryStartable(PipelineStateHistory history) {
        this.history = history;
    }

    @Override
    public void start() {
        history.start();
    }

    @PreDestroy
    public void stop() {
        history.close();
    }
}
