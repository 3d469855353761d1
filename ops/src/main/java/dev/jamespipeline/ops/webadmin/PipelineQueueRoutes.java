package dev.jamespipeline.ops.webadmin;

import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import javax.inject.Inject;

import org.apache.james.task.TaskManager;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.tasks.TaskFromRequest;
import org.apache.james.webadmin.utils.ErrorResponder.ErrorType;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import com.rabbitmq.client.ShutdownSignalException;

import spark.Request;
import spark.Route;
import spark.Service;

/**
 * WebAdmin routes for the pipeline's work queues, so operators need no rabbitmqctl: queue depths,
 * dead letters of every queue with their reason and attempt history, one in full, replaying one or
 * all of them once the cause is fixed (a James task), and purging them (only with {@code confirm=yes}). Listed in
 * {@code webadmin.properties} as {@code extensions.routes}; documented in the README.
 */
public class PipelineQueueRoutes implements Routes {
    static final String BASE_PATH = "/pipeline/queues";
    private static final String QUEUE_PARAM = ":queue";
    private static final String MESSAGE_PARAM = ":messageId";
    private static final String DEAD_LETTERS_PATH = BASE_PATH + "/" + QUEUE_PARAM + "/dead-letters";
    private static final String DEAD_LETTER_PATH = DEAD_LETTERS_PATH + "/" + MESSAGE_PARAM;
    /** Every queue's dead letters; under the base path, which WebAdmin's authentication covers. */
    private static final String ALL_DEAD_LETTERS_PATH = BASE_PATH + "/dead-letters";
    static final int PEEK_DEFAULT = 20;
    static final int PEEK_MAX = 100;
    /** Dead letters a replay task moves per queue at most. */
    static final int REPLAY_MAX = 100_000;
    /** How far a look for one message id scans (each message looked at is held until the answer). */
    static final int FIND_SCAN_MAX = 10_000;

    private final ManagedQueues queues;
    private final DeadLetters deadLetters;
    private final DeadLetterReplay replay;
    private final TaskManager taskManager;
    private final Clock clock;
    private final JsonTransformer json;

    @Inject
    public PipelineQueueRoutes(ManagedQueues queues, DeadLetters deadLetters, DeadLetterReplay replay,
                               TaskManager taskManager, Clock clock, JsonTransformer json) {
        this.queues = queues;
        this.deadLetters = deadLetters;
        this.replay = replay;
        this.taskManager = taskManager;
        this.clock = clock;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, (request, response) -> onBroker(queues::status), json);
        service.get(ALL_DEAD_LETTERS_PATH, (request, response) -> all(request), json);
        service.post(ALL_DEAD_LETTERS_PATH, replayTask(request -> onBroker(queues::names), request -> Optional.empty()), json);
        service.get(DEAD_LETTERS_PATH, (request, response) -> peek(request), json);
        service.post(DEAD_LETTERS_PATH, replayTask(this::requestedQueue, request -> Optional.empty()), json);
        service.delete(DEAD_LETTERS_PATH, (request, response) -> purge(request), json);
        service.get(DEAD_LETTER_PATH, (request, response) -> inspect(request), json);
        service.post(DEAD_LETTER_PATH, replayTask(this::requestedQueue, request -> Optional.of(request.params(MESSAGE_PARAM))), json);
    }

    private List<DeadLetterSummary> peek(Request request) {
        int limit = RouteErrors.limit(request.queryParams("limit"), PEEK_DEFAULT, PEEK_MAX);
        return onBroker(() -> deadLetters.peek(queues.require(request.params(QUEUE_PARAM)), limit));
    }

    private List<QueueDeadLetters> all(Request request) {
        int limit = RouteErrors.limit(request.queryParams("limit"), PEEK_DEFAULT, PEEK_MAX);
        return onBroker(() -> deadLetters.all(queues.names(), limit));
    }

    private DeadLetterDetail inspect(Request request) {
        String messageId = request.params(MESSAGE_PARAM);
        return onBroker(() -> deadLetters.find(queues.require(request.params(QUEUE_PARAM)), messageId, FIND_SCAN_MAX))
            .orElseThrow(() -> RouteErrors.error(HttpStatus.NOT_FOUND_404, ErrorType.NOT_FOUND,
                "no dead letter with message id '" + messageId + "' in " + request.params(QUEUE_PARAM)));
    }

    private List<String> requestedQueue(Request request) {
        return List.of(onBroker(() -> queues.require(request.params(QUEUE_PARAM))));
    }

    /** {@code ?action=replay[&limit=N]}: a {@link DeadLetterReplayTask}, answered 201 with its id. */
    private Route replayTask(Function<Request, List<String>> workQueues, Function<Request, Optional<String>> messageId) {
        TaskFromRequest task = request -> {
            String action = request.queryParams("action");
            if (!"replay".equals(action)) {
                throw RouteErrors.badRequest("action must be 'replay' (POST " + request.pathInfo() + "?action=replay), was "
                    + (action == null ? "missing" : "'" + action + "'"));
            }
            int limit = RouteErrors.limit(request.queryParams("limit"), REPLAY_MAX, REPLAY_MAX);
            return new DeadLetterReplayTask(replay, workQueues.apply(request), messageId.apply(request), limit, clock);
        };
        return task.asRoute(taskManager);
    }

    private PurgeResult purge(Request request) {
        if (!"yes".equals(request.queryParams("confirm"))) {
            throw RouteErrors.badRequest("purging deletes every dead letter of the queue for good: add confirm=yes to do it");
        }
        return onBroker(() -> new PurgeResult(deadLetters.purge(queues.require(request.params(QUEUE_PARAM)))));
    }

    @FunctionalInterface
    private interface BrokerCall<T> {
        T call() throws IOException, UnknownQueueException;
    }

    /** Runs a request against RabbitMQ and turns its failures into WebAdmin's JSON errors. */
    private static <T> T onBroker(BrokerCall<T> call) {
        try {
            return call.call();
        } catch (UnknownQueueException e) {
            throw RouteErrors.error(HttpStatus.NOT_FOUND_404, ErrorType.NOT_FOUND, e.getMessage());
        } catch (IOException | ShutdownSignalException e) {
            throw RouteErrors.error(HttpStatus.SERVICE_UNAVAILABLE_503, ErrorType.SERVER_ERROR, "RabbitMQ: " + describe(e));
        }
    }

    /** The broker's reason is often in the cause (a channel or connection close). */
    private static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage();
    }
}
