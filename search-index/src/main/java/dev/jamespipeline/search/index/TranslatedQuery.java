package dev.jamespipeline.search.index;

import java.util.Collection;
import java.util.List;
import java.util.Objects;

import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/**
 * A James search in the index's terms. It never names a mailbox: {@link MailIndex} confines
 * every search to the mailboxes its caller passes.
 *
 * <p>For most documents the index decides exactly whether James's scan would match them. For a
 * few it cannot (text cut at the extraction limit, a search text James's matcher can miss
 * occurrences of, a date James compares wrongly): those are the <em>undecided</em> documents,
 * matched by {@code mayMatch} but not by {@code matches}, and only James's scan of those
 * messages can decide them.
 *
 * @param matches  what a message James's scan would match certainly satisfies
 * @param mayMatch what a message James's scan would match satisfies; {@code matches} implies it
 * @param exact    no document can be undecided: {@code matches} and {@code mayMatch} are the same
 * @param sorts    the order of the results, most significant first
 */
public record TranslatedQuery(Query matches, Query mayMatch, boolean exact, List<SortOption> sorts) {
    public TranslatedQuery {
        Objects.requireNonNull(matches, "matches");
        Objects.requireNonNull(mayMatch, "mayMatch");
        sorts = List.copyOf(sorts);
    }

    /** The undecided documents. */
    Query undecided() {
        return Queries.allOf(List.of(mayMatch, Queries.not(matches)));
    }

    /**
     * This query, with these uids added to its matches: the undecided messages James's scan
     * matched. Exact, since nothing is left undecided.
     */
    public TranslatedQuery withMatchingUids(Collection<Long> uids) {
        Query uidMatches = Query.of(q -> q.terms(terms -> terms.field(MailIndexSchema.UID)
            .terms(values -> values.value(uids.stream().map(FieldValue::of).toList()))));
        Query both = Queries.anyOf(List.of(matches, uidMatches));
        return new TranslatedQuery(both, both, true, sorts);
    }
}
