package dev.jamespipeline.ops.webadmin;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import spark.Service;

import dev.jamespipeline.ops.backpressure.BackpressureStatus;
import dev.jamespipeline.ops.state.PipelineState;
import dev.jamespipeline.ops.state.PipelineStateSampler;

/**
 * {@code GET /pipeline/state}: the sampler's last snapshot as JSON (shape in docs/pipeline-state.md).
 * Listed in {@code webadmin.properties} as one of the {@code extensions.routes}.
 */
public class PipelineStateRoutes implements Routes {
    static final String PATH = "/pipeline/state";

    private final PipelineStateSampler sampler;
    private final JsonTransformer json;

    @Inject
    public PipelineStateRoutes(PipelineStateSampler sampler, JsonTransformer json) {
        this.sampler = sampler;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return PATH;
    }

    @Override
    public void define(Service service) {
        service.get(PATH, (request, response) -> view(sampler.current()), json);
    }

    /** The snapshot as the route shows it: times as ISO-8601 text, and the snapshot's age now. */
    record StateView(String sampledAt, long sampleAgeMillis, long intervalMillis, boolean managementApi,
                     List<PipelineState.QueueSample> queues, PipelineState.BrokerSample broker,
                     PipelineState.StoreSample store, BackpressureStatus backpressure, List<String> errors) {
    }

    static StateView view(PipelineState state) {
        return new StateView(state.sampledAt().toString(), Duration.between(state.sampledAt(), Instant.now()).toMillis(),
            state.interval().toMillis(), state.managementApi(), state.queues(), state.broker(), state.store(),
            state.backpressure(), state.errors());
    }
}
