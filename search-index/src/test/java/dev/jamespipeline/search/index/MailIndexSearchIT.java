package dev.jamespipeline.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.SearchQuery.Sort;
import org.apache.james.mailbox.model.SearchQuery.Sort.Order;
import org.apache.james.mailbox.model.SearchQuery.Sort.SortClause;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Searches against a real OpenSearch: completeness, order, and confinement to the caller's mailboxes. */
class MailIndexSearchIT {
    private static final String LARGE = "large";
    private static final long LARGE_SIZE = 10_050;
    private static final String ATTACKER = "attacker";
    private static final String VICTIM = "victim";

    private static TestIndex test;
    private static MailIndex index;
    private final SearchQueryTranslator translator = new SearchQueryTranslator();

    @BeforeAll
    static void indexMessages() throws Exception {
        test = TestIndex.create();
        index = test.index;
        List<IndexOperation> batch = new ArrayList<>();
        for (long uid = 1; uid <= LARGE_SIZE; uid++) {
            batch.add(IndexOperation.upsert(TestDocuments.message(LARGE, uid).build()));
            if (batch.size() == 2_000) {
                test.write(batch);
                batch.clear();
            }
        }
        batch.add(IndexOperation.upsert(TestDocuments.message(ATTACKER, 1).user("mallory@example.com")
            .subject("a * star").body("star").build()));
        batch.add(IndexOperation.upsert(TestDocuments.message(ATTACKER, 2).user("mallory@example.com")
            .subject("plain").body("plain").build()));
        batch.add(IndexOperation.upsert(TestDocuments.message(VICTIM, 1).subject("\") OR user:* secret")
            .body("\") OR user:* secret").build()));
        batch.add(IndexOperation.upsert(TestDocuments.message(VICTIM, 2).subject("back\\slash * star secret")
            .body("back\\slash secret").build()));
        test.write(batch);
        index.refresh();
    }

    @AfterAll
    static void deleteIndex() throws Exception {
        test.close();
    }

    @Test
    void searchUidsReturnsEveryMatchBeyondTheResultWindowInUidOrder() throws Exception {
        List<Long> uids = index.searchUids(LARGE, translator.translate(SearchQuery.matchAll()).orElseThrow());

        assertThat(uids).containsExactlyElementsOf(LongStream.rangeClosed(1, LARGE_SIZE).boxed().toList());
    }

    @Test
    void searchUidsFollowsTheQuerySort() throws Exception {
        SearchQuery reverse = SearchQuery.allSortedWith(new Sort(SortClause.Uid, Order.REVERSE));

        List<Long> uids = index.searchUids(LARGE, translator.translate(reverse).orElseThrow());

        assertThat(uids).hasSize((int) LARGE_SIZE).startsWith(LARGE_SIZE, LARGE_SIZE - 1).endsWith(2L, 1L);
    }

    @Test
    void pagesFollowSeveralSortKeysWithTheUidBreakingTies() throws Exception {
        // Every message of the large mailbox arrived at the same instant: pages continue on (date, uid).
        SearchQuery byArrival = SearchQuery.allSortedWith(new Sort(SortClause.Arrival, Order.REVERSE));

        List<Long> uids = index.searchUids(LARGE, translator.translate(byArrival).orElseThrow());

        assertThat(uids).containsExactlyElementsOf(LongStream.rangeClosed(1, LARGE_SIZE).boxed().toList());
    }

    @Test
    void searchMessageIdsStopsAtTheLimitAndCountsAMessageInTwoMailboxesOnce() throws Exception {
        String first = "copies-a";
        String second = "copies-b";
        test.write(List.of(
            IndexOperation.upsert(TestDocuments.message(first, 1).messageId("m1").build()),
            IndexOperation.upsert(TestDocuments.message(second, 1).messageId("m1").build()),
            IndexOperation.upsert(TestDocuments.message(second, 2).messageId("m2").build()),
            IndexOperation.upsert(TestDocuments.message(second, 3).messageId("m3").build())));
        index.refresh();
        TranslatedQuery all = translator.translate(SearchQuery.matchAll()).orElseThrow();

        assertThat(index.searchMessageIds(List.of(first, second), all, 10)).containsExactly("m1", "m2", "m3");
        assertThat(index.searchMessageIds(List.of(first, second), all, 2)).containsExactly("m1", "m2");
        assertThat(index.searchMessageIds(List.of(first), all, 10)).containsExactly("m1");
        assertThat(index.searchMessageIds(List.of(), all, 10)).isEmpty();
    }

    @Test
    void hostileSearchTextNeverReachesBeyondTheCallersMailbox() throws Exception {
        for (String hostile : List.of("\") OR user:*", "*", "\\", "secret", "?", "user:*")) {
            for (SearchQuery.Criterion criterion : List.of(
                    SearchQuery.subject(hostile),
                    SearchQuery.headerContains("Subject", hostile),
                    SearchQuery.address(SearchQuery.AddressType.From, hostile),
                    SearchQuery.mailContains(hostile),
                    SearchQuery.bodyContains(hostile))) {
                var translated = translator.translate(SearchQuery.of(criterion));
                if (translated.isEmpty()) {
                    continue;
                }
                assertThat(index.searchUids(ATTACKER, translated.get()))
                    .as("%s in the attacker's mailbox", criterion)
                    .isSubsetOf(1L, 2L);
                assertThat(index.searchMessageIds(List.of(ATTACKER), translated.get(), 100))
                    .as("%s in the attacker's mailbox", criterion)
                    .isSubsetOf("message-attacker-1", "message-attacker-2");
            }
        }
    }

    @Test
    void searchTextIsLiteralNotAPattern() throws Exception {
        assertThat(uids(ATTACKER, SearchQuery.subject("*"))).containsExactly(1L);
        assertThat(uids(VICTIM, SearchQuery.subject("*"))).containsExactly(1L, 2L);
        assertThat(uids(VICTIM, SearchQuery.subject("\\"))).containsExactly(2L);
        assertThat(uids(VICTIM, SearchQuery.subject("?"))).isEmpty();
        assertThat(uids(VICTIM, SearchQuery.subject("\") OR user:*"))).containsExactly(1L);
        assertThat(uids(ATTACKER, SearchQuery.subject("\") OR user:*"))).isEmpty();
    }

    private List<Long> uids(String mailbox, SearchQuery.Criterion criterion) throws IndexUnavailableException {
        return index.searchUids(mailbox, translator.translate(SearchQuery.of(criterion)).orElseThrow())
            .stream().sorted().collect(Collectors.toList());
    }
}
