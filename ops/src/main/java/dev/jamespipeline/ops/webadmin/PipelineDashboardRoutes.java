package dev.jamespipeline.ops.webadmin;

import java.util.List;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.JsonTransformer;

import spark.Service;

import dev.jamespipeline.ops.state.PipelineStateHistory;

/**
 * {@code GET /pipeline/dashboard/history}, behind the admin token: the snapshots of the last minutes,
 * each as {@code GET /pipeline/state} shows one, for the live page ({@link PipelineDashboardPage}) to
 * draw before it follows {@code /pipeline/state} itself.
 */
public class PipelineDashboardRoutes implements Routes {
    static final String PATH = PipelineDashboardPage.PATH + "/history";

    private final PipelineStateHistory history;
    private final JsonTransformer json;

    record History(long windowMillis, List<PipelineStateRoutes.StateView> snapshots) {
    }

    @Inject
    public PipelineDashboardRoutes(PipelineStateHistory history, JsonTransformer json) {
        this.history = history;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return PATH;
    }

    @Override
    public void define(Service service) {
        service.get(PATH, (request, response) -> new History(PipelineStateHistory.WINDOW.toMillis(),
            history.window().stream().map(PipelineStateRoutes::view).toList()), json);
    }
}
