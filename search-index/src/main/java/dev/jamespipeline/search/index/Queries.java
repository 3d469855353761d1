package dev.jamespipeline.search.index;

import java.util.List;

import org.opensearch.client.json.JsonData;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.query_dsl.Query;

/** Small builders for the structured queries the index runs: no query strings, ever. */
final class Queries {
    private Queries() {
    }

    static Query matchAll() {
        return Query.of(q -> q.matchAll(all -> all));
    }

    static Query matchNone() {
        return Query.of(q -> q.matchNone(none -> none));
    }

    static Query term(String field, String value) {
        return Query.of(q -> q.term(term -> term.field(field).value(FieldValue.of(value))));
    }

    static Query term(String field, boolean value) {
        return Query.of(q -> q.term(term -> term.field(field).value(FieldValue.of(value))));
    }

    /** Every query matches (in filter context: no scoring, results are sorted by fields). */
    static Query allOf(List<Query> queries) {
        return Query.of(q -> q.bool(bool -> bool.filter(queries)));
    }

    /** At least one query matches; none at all matches nothing. */
    static Query anyOf(List<Query> queries) {
        if (queries.isEmpty()) {
            return matchNone();
        }
        return Query.of(q -> q.bool(bool -> bool.should(queries).minimumShouldMatch("1")));
    }

    /** No query matches; none at all matches everything. */
    static Query noneOf(List<Query> queries) {
        return Query.of(q -> q.bool(bool -> bool.mustNot(queries)));
    }

    static Query not(Query query) {
        return noneOf(List.of(query));
    }

    /** A range bound. */
    static JsonData json(Object value) {
        return JsonData.of(value);
    }
}
