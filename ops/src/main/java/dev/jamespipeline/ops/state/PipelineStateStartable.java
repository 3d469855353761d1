package dev.jamespipeline.ops.state;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.utils.UserDefinedStartable;

/**
 * Starts the pipeline state sampler and registers its gauges once James is up. Listed in
 * {@code extensions.properties} as one of the {@code guice.extension.startable}.
 */
public class PipelineStateStartable implements UserDefinedStartable {
    private final PipelineStateSampler sampler;
    private final PipelineStateGauges gauges;

    @Inject
    public PipelineStateStartable(PipelineStateSampler sampler, PipelineStateGauges gauges) {
        this.sampler = sampler;
        this.gauges = gauges;
    }

    @Override
    public void start() {
        gauges.register();
        sampler.start();
    }

    @PreDestroy
    public void stop() {
        sampler.close();
    }
}
