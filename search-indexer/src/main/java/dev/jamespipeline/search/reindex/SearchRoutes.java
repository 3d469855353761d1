package dev.jamespipeline.search.reindex;

import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.task.TaskManager;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.tasks.TaskFromRequestRegistry;
import org.apache.james.webadmin.tasks.TaskRegistrationKey;
import org.apache.james.webadmin.utils.ErrorResponder;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import dev.jamespipeline.search.index.IndexUnavailableException;
import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.index.MailboxCounters;
import dev.jamespipeline.search.indexer.IndexLag;
import dev.jamespipeline.search.indexer.IndexerStartable;

import spark.Request;
import spark.Route;
import spark.Service;

/**
 * WebAdmin routes of the search index:
 * <ul>
 *   <li>{@code POST /pipeline/search?action=reindex[&user=bob@example.com]}: a re-indexing task
 *       (follow it with James's {@code /tasks/{id}} routes);</li>
 *   <li>{@code POST /pipeline/search?action=pause}, {@code ?action=resume}: stops and restarts the
 *       indexer's consumers (events wait in the queue; searches stay exact, scanning what changed);</li>
 *   <li>{@code GET /pipeline/search}: whether OpenSearch answers, whether the indexer is paused, and the
 *       index lag;</li>
 *   <li>{@code GET /pipeline/search/users/{user}/mailboxes/{name}/counters}: messages and unseen
 *       messages of one mailbox, as the index counts them.</li>
 * </ul>
 */
public class SearchRoutes implements Routes {
    public static final String BASE = "/pipeline/search";

    private final TaskManager taskManager;
    private final JsonTransformer json;
    private final UsersRepository users;
    private final MailboxManager mailboxManager;
    private final MailIndex index;
    private final ReindexTasks reindexTasks;
    private final IndexerStartable indexer;
    private final IndexLag lag;

    @Inject
    public SearchRoutes(TaskManager taskManager, JsonTransformer json, UsersRepository users, MailboxManager mailboxManager,
                        MailIndex index, ReindexTasks reindexTasks, IndexerStartable indexer, IndexLag lag) {
        this.taskManager = taskManager;
        this.json = json;
        this.users = users;
        this.mailboxManager = mailboxManager;
        this.index = index;
        this.reindexTasks = reindexTasks;
        this.indexer = indexer;
        this.lag = lag;
    }

    @Override
    public String getBasePath() {
        return BASE;
    }

    @Override
    public void define(Service service) {
        Route reindex = TaskFromRequestRegistry.of(TaskRegistrationKey.of("reindex"), this::reindexTask).asRoute(taskManager);
        service.post(BASE, (request, response) -> switch (String.valueOf(request.queryParams("action"))) {
            case "pause" -> {
                indexer.pause();
                yield indexerState();
            }
            case "resume" -> {
                indexer.resume();
                yield indexerState();
            }
            case "reindex" -> reindex.handle(request, response);
            default -> throw ErrorResponder.builder()
                .statusCode(HttpStatus.BAD_REQUEST_400)
                .type(ErrorResponder.ErrorType.INVALID_ARGUMENT)
                .message("action must be reindex, pause or resume, was '" + request.queryParams("action") + "'")
                .haltError();
        }, json);
        service.get(BASE, (request, response) -> status(), json);
        service.get(BASE + "/users/:user/mailboxes/:name/counters", (request, response) -> counters(request), json);
    }

    private ReindexTask reindexTask(Request request) throws Exception {
        Optional<Username> user = Optional.ofNullable(request.queryParams("user")).map(Username::of);
        if (user.isPresent() && !users.contains(user.get())) {
            throw ErrorResponder.builder()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .type(ErrorResponder.ErrorType.NOT_FOUND)
                .message("User '" + user.get().asString() + "' does not exist")
                .haltError();
        }
        return reindexTasks.create(user);
    }

    private Map<String, Object> status() {
        boolean reachable = index.ping();
        return Map.of("openSearchReachable", reachable, "indexerPaused", indexer.paused(), "lag", lag.summary());
    }

    private Map<String, Object> indexerState() {
        return Map.of("indexerPaused", indexer.paused());
    }

    private MailboxCounters counters(Request request) throws Exception {
        Username user = Username.of(request.params("user"));
        MailboxSession session = mailboxManager.createSystemSession(user);
        try {
            String mailboxId = mailboxManager.getMailbox(MailboxPath.forUser(user, request.params("name")), session)
                .getId().serialize();
            return index.counters(mailboxId);
        } catch (MailboxNotFoundException e) {
            throw ErrorResponder.builder()
                .statusCode(HttpStatus.NOT_FOUND_404)
                .type(ErrorResponder.ErrorType.NOT_FOUND)
                .message("Mailbox '" + request.params("name") + "' of " + user.asString() + " does not exist")
                .haltError();
        } catch (IndexUnavailableException e) {
            throw ErrorResponder.builder()
                .statusCode(HttpStatus.SERVICE_UNAVAILABLE_503)
                .type(ErrorResponder.ErrorType.SERVER_ERROR)
                .message("The search index is unavailable: " + e.getMessage())
                .haltError();
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
    }
}
