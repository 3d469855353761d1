package dev.jamespipeline.stages;

import java.time.Clock;
import java.util.List;

import javax.inject.Inject;
import javax.inject.Singleton;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.runtime.FailureRouter;
import dev.jamespipeline.core.runtime.WorkQueueRuntime;

/**
 * The stage consumers of this node: one work-queue runtime with {@code stage.concurrency}
 * consumers per configured stage. A singleton, so the pipeline state sampler sees the consumers that run.
 */
@Singleton
public class StageWorkers implements AutoCloseable {
    private final WorkQueueRuntime runtime;

    @Inject
    public StageWorkers(PipelineConfiguration configuration, Topology topology, EnvelopeCodec codec, EnvelopeSigner signer,
                        StageRunner runner, DeadLetterNotice notice, ConfirmedPublisher publisher, Clock clock) {
        // A stage queue deleted by hand is declared again (with the whole topology) before the consumers resubscribe.
        this.runtime = new WorkQueueRuntime(configuration, topology, "james-pipeline-stages",
            new FailureRouter(publisher, topology), signer, topology::declare, clock);
        for (String stage : configuration.stages()) {
            runtime.register(topology.stageQueue(stage), configuration.stagePolicy(),
                new StageWorkHandler(stage, codec, runner, notice, configuration.stagePolicy(), clock));
        }
    }

    void start() {
        runtime.start();
    }

    /** The stage queues as this node's consumers see them, for the pipeline state sampler. */
    public List<WorkQueueRuntime.QueueState> states() {
        return runtime.states();
    }

    @Override
    public void close() {
        runtime.close();
    }
}
