package dev.jamespipeline.search.index;

import java.util.List;
import java.util.Objects;

import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * A James search in the index's terms. It never names a mailbox: {@link MailIndex} confines
 * every search to the mailboxes its caller passes.
 *
 * @param query what a matching message satisfies
 * @param sorts the order of the results, most significant first
 */
public record TranslatedQuery(Query query, List<SortOption> sorts) {
    public TranslatedQuery {
        Objects.requireNonNull(query, "query");
        sorts = List.copyOf(sorts);
    }
}
