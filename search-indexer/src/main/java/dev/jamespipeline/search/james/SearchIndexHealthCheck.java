package dev.jamespipeline.search.james;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;

import dev.jamespipeline.search.index.MailIndex;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /healthcheck/checks/OpenSearchIndex}: degraded, not unhealthy, when OpenSearch does not
 * answer, because mail still flows (index events wait in their queue) and IMAP SEARCH falls back to
 * scanning.
 */
public class SearchIndexHealthCheck implements HealthCheck {
    private static final ComponentName COMPONENT = new ComponentName("OpenSearchIndex");

    private final MailIndex index;

    @Inject
    public SearchIndexHealthCheck(MailIndex index) {
        this.index = index;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Mono<Result> check() {
        return Mono.fromCallable(() -> index.ping()
                ? Result.healthy(COMPONENT)
                : Result.degraded(COMPONENT, "OpenSearch does not answer: indexing waits and IMAP SEARCH scans mailboxes"))
            .subscribeOn(Schedulers.boundedElastic());
    }
}
