package dev.jamespipeline.ops.webadmin;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.webadmin.Routes;
import org.apache.james.webadmin.utils.ErrorResponder.ErrorType;
import org.apache.james.webadmin.utils.JsonTransformer;
import org.eclipse.jetty.http.HttpStatus;

import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.security.quarantine.QuarantineIds;
import dev.jamespipeline.security.quarantine.QuarantineRelease;
import dev.jamespipeline.security.quarantine.QuarantineRepository;
import dev.jamespipeline.security.quarantine.QuarantineSettings;
import dev.jamespipeline.security.quarantine.QuarantinedMail;
import dev.jamespipeline.security.quarantine.ReleaseRefusedException;
import dev.jamespipeline.security.quarantine.UnknownQuarantineException;
import spark.Request;
import spark.Service;

/**
 * WebAdmin routes for quarantined mail: list it (a page at a time, in id order), show one (its facts and
 * verdicts, not its body: James's {@code /mailRepositories} routes serve that), release one to its
 * recipients (exactly once) or delete it. Listed in {@code webadmin.properties} as {@code extensions.routes};
 * documented in the README.
 */
public class QuarantineRoutes implements Routes {
    static final String BASE_PATH = "/pipeline/quarantine";
    private static final String ID_PARAM = ":id";
    private static final String ENTRY_PATH = BASE_PATH + "/" + ID_PARAM;
    static final int OFFSET_MAX = 1_000_000_000;

    /** One quarantined mail as WebAdmin shows it ({@code quarantinedAt}: ISO-8601 UTC). */
    public record QuarantinedView(String id, String pipelineId, String reason, String stage, String sender,
                                  List<String> recipients, long size, String quarantinedAt, Map<String, String> verdicts) {
        static QuarantinedView of(QuarantinedMail mail) {
            return new QuarantinedView(mail.id(), mail.pipelineId(), mail.reason(), mail.stage(), mail.sender(),
                mail.recipients(), mail.size(), mail.quarantinedAt().toString(), mail.verdicts());
        }
    }

    /** A page of the list: {@code total} entries in all. */
    public record QuarantinePage(long total, int offset, int limit, List<QuarantinedView> items) {
    }

    private final QuarantineRepository repository;
    private final QuarantineRelease release;
    private final QuarantineSettings settings;
    private final JsonTransformer json;

    @Inject
    public QuarantineRoutes(QuarantineRepository repository, QuarantineRelease release, QuarantineSettings settings,
                            JsonTransformer json) {
        this.repository = repository;
        this.release = release;
        this.settings = settings;
        this.json = json;
    }

    @Override
    public String getBasePath() {
        return BASE_PATH;
    }

    @Override
    public void define(Service service) {
        service.get(BASE_PATH, (request, response) -> list(request), json);
        service.get(ENTRY_PATH, (request, response) -> onQuarantine(() -> QuarantinedView.of(
            repository.find(id(request)).orElseThrow(() -> new UnknownQuarantineException(request.params(ID_PARAM))))), json);
        service.post(ENTRY_PATH, (request, response) -> act(request), json);
        service.delete(ENTRY_PATH, (request, response) -> onQuarantine(() -> {
            String id = id(request);
            release.delete(id);
            return Map.of("quarantineId", id, "action", "deleted");
        }), json);
    }

    private QuarantinePage list(Request request) {
        int limit = RouteErrors.limit(request.queryParams("limit"), settings.defaultPage(), settings.listMax());
        int offset = RouteErrors.offset(request.queryParams("offset"), OFFSET_MAX);
        return onQuarantine(() -> {
            QuarantineRepository.Page page = repository.list(offset, limit);
            return new QuarantinePage(page.total(), offset, limit, page.entries().stream().map(QuarantinedView::of).toList());
        });
    }

    private Map<String, String> act(Request request) {
        String action = request.queryParams("action");
        if (!"release".equals(action)) {
            throw RouteErrors.badRequest("action must be 'release' (POST " + BASE_PATH + "/<id>?action=release; DELETE "
                + BASE_PATH + "/<id> deletes), was " + (action == null ? "missing" : "'" + RouteErrors.abbreviated(action) + "'"));
        }
        String id = id(request);
        return onQuarantine(() -> {
            ReceivedEnvelope released = release.release(id);
            return Map.of("quarantineId", id, "action", "released", "pipelineId", released.pipelineId(),
                "stage", released.stage());
        });
    }

    /** The id in the path; one that cannot be a quarantine id is refused before any lookup. */
    private static String id(Request request) {
        String id = request.params(ID_PARAM);
        if (!QuarantineIds.isWellFormed(id)) {
            throw RouteErrors.badRequest("'" + RouteErrors.abbreviated(String.valueOf(id)) + "' is not a quarantine id "
                + "(letters, digits, '-' and '_', at most 128, as GET " + BASE_PATH + " lists them)");
        }
        return id;
    }

    @FunctionalInterface
    private interface QuarantineCall<T> {
        T call() throws UnknownQuarantineException, ReleaseRefusedException, MessagingException, IOException, PublishException;
    }

    private static <T> T onQuarantine(QuarantineCall<T> call) {
        try {
            return call.call();
        } catch (UnknownQuarantineException e) {
            throw RouteErrors.error(HttpStatus.NOT_FOUND_404, ErrorType.NOT_FOUND, e.getMessage());
        } catch (ReleaseRefusedException e) {
            throw RouteErrors.error(HttpStatus.CONFLICT_409, ErrorType.WRONG_STATE, e.getMessage());
        } catch (PublishException e) {
            throw RouteErrors.error(HttpStatus.SERVICE_UNAVAILABLE_503, ErrorType.SERVER_ERROR, "RabbitMQ: " + e.getMessage());
        } catch (MessagingException | IOException e) {
            throw RouteErrors.error(HttpStatus.SERVICE_UNAVAILABLE_503, ErrorType.SERVER_ERROR, "quarantine: " + e.getMessage());
        }
    }
}
