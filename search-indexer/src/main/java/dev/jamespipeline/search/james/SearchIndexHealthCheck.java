package dev.jamespipeline.search.james;

import java.io.IOException;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;

import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.indexer.IndexerStartable;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * {@code GET /healthcheck/checks/OpenSearchIndex}: unhealthy when the index queue has no consumer
 * (nothing would ever be indexed); degraded, not unhealthy, when OpenSearch does not answer or the
 * indexer falls behind, because mail still flows (index events wait in their queue) and IMAP SEARCH
 * falls back to scanning.
 */
public class SearchIndexHealthCheck implements HealthCheck {
    private static final ComponentName COMPONENT = new ComponentName("OpenSearchIndex");

    private final MailIndex index;
    private final IndexerStartable indexer;

    @Inject
    public SearchIndexHealthCheck(MailIndex index, IndexerStartable indexer) {
        this.index = index;
        this.indexer = indexer;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Mono<Result> check() {
        return Mono.fromCallable(this::evaluate).subscribeOn(Schedulers.boundedElastic());
    }

    private Result evaluate() {
        List<String> problems;
        try {
            problems = indexer.health().problems();
        } catch (IOException | RuntimeException e) {
            return Result.unhealthy(COMPONENT, "index queue unreachable: " + e.getMessage());
        }
        if (problems.stream().anyMatch(problem -> problem.contains("has no consumer"))) {
            return Result.unhealthy(COMPONENT, "nothing is being indexed: " + String.join("; ", problems));
        }
        if (!index.ping()) {
            return Result.degraded(COMPONENT, "OpenSearch does not answer: indexing waits and IMAP SEARCH scans mailboxes");
        }
        return problems.isEmpty()
            ? Result.healthy(COMPONENT)
            : Result.degraded(COMPONENT, "indexing is behind: " + String.join("; ", problems));
    }
}
