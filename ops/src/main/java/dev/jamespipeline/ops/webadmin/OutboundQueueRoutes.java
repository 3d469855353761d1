package dev.jamespipeline.ops.webadmin;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder.ErrorType;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.outbound.WaitingJobs;
import spark.Request;
import spark.Response;
import spark.Service;

/**
 * WebAdmin routes for outbound mail waiting for a retry: list it (per destination domain, with its
 * next attempt and last error), and retry, bounce or delete one job. An action publishes a new copy of
 * the job to be handled now, carrying the next generation, and records the request: the copy still
 * waiting in its delay queue is then stale and dropped when it comes back. Listed in
 * {@code webadmin.properties} as {@code extensions.routes}; documented in the README.
 */
public class OutboundQueueRoutes implements Routes {
    static final String BASE_PATH = "/pipeline/outbound";
    private static final String JOB_PARAM = ":jobId";
    private static final String JOB_PATH = BASE_PATH + "/" + JOB_PARAM;
    static final int LIST_DEFAULT = 100;
    static final int LIST_MAX = 1000;

    /** One waiting job as listed ({@code nextAttempt}: ISO-8601 UTC). */
    public record WaitingJobView(String jobId, String pipelineId, String sender, List<String> domains,
                                 List<String> pendingRecipients, int attempts, String nextAttempt, String lastError) {
        static WaitingJobView of(WaitingJobs.WaitingJob job) {
            return new WaitingJobView(job.jobId(), job.job().pipelineId(), job.job().sender(), job.domains(),
                job.pendingRecipients(), job.attempts(), job.nextAttempt().toString(), job.lastError());
        }
    }

    private final WaitingJobs waiting;
    private final EventPublisher events;
    private final JsonTransformer json;

    @Inject
    public OutboundQueueRoutes(WaitingJobs waiting, EventPublisher events, JsonTransformer json) {
        this.waiting = waiting;
        this.events = events;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, (request, response) -> list(request), json);
        service.post(JOB_PATH, this::act, json);
        service.delete(JOB_PATH, (request, response) -> {
            response.status(HttpStatus.ACCEPTED_202);
            return act(request.params(JOB_PARAM), WaitingJobs.Request.DELETE);
        }, json);
    }

    private List<WaitingJobView> list(Request request) {
        Optional<String> domain = Optional.ofNullable(request.queryParams("domain")).map(String::trim)
            .filter(value -> !value.isEmpty()).map(value -> value.toLowerCase(Locale.ROOT));
        int limit = RouteErrors.limit(request.queryParams("limit"), LIST_DEFAULT, LIST_MAX);
        return onState(() -> waiting.list(domain, limit).stream().map(WaitingJobView::of).toList());
    }

    private Object act(Request request, Response response) {
        String action = request.queryParams("action");
        WaitingJobs.Request operatorRequest = switch (action == null ? "" : action) {
            case "retry" -> WaitingJobs.Request.NONE;
            case "bounce" -> WaitingJobs.Request.BOUNCE;
            default -> throw RouteErrors.badRequest("action must be 'retry' or 'bounce' (POST " + BASE_PATH + "/<jobId>?action=...), was "
                + (action == null ? "missing" : "'" + action + "'"));
        };
        response.status(HttpStatus.ACCEPTED_202);
        return act(request.params(JOB_PARAM), operatorRequest);
    }

    /** Publishes the job's next copy first: if that fails, nothing changed and the waiting copy stays current. */
    private Map<String, Object> act(String jobId, WaitingJobs.Request request) {
        WaitingJobs.WaitingJob job = onState(() -> waiting.find(jobId))
            .orElseThrow(() -> RouteErrors.error(HttpStatus.NOT_FOUND_404, ErrorType.NOT_FOUND, "no outbound job " + jobId + " is waiting for a retry"));
        int generation = job.generation() + 1;
        try {
            events.outboundCopy(job.job(), job.attempts(), generation);
        } catch (PublishException e) {
            throw RouteErrors.error(HttpStatus.SERVICE_UNAVAILABLE_503, ErrorType.SERVER_ERROR, "RabbitMQ: " + e.getMessage());
        }
        onState(() -> waiting.supersede(jobId, generation, request));
        return Map.of("jobId", jobId, "action", request == WaitingJobs.Request.NONE ? "retry" : request.name().toLowerCase(Locale.ROOT),
            "generation", generation);
    }

    @FunctionalInterface
    private interface StateCall<T> {
        T call() throws IOException;
    }

    private static <T> T onState(StateCall<T> call) {
        try {
            return call.call();
        } catch (IOException e) {
            throw RouteErrors.error(HttpStatus.SERVICE_UNAVAILABLE_503, ErrorType.SERVER_ERROR, "outbound state: " + e.getMessage());
        }
    }
}
