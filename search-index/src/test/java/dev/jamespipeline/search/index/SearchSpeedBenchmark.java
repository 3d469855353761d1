package dev.jamespipeline.search.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import javax.mail.Flags;

import org.apache.hc.core5.http.HttpHost;
import org.apache.james.mailbox.model.SearchQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.opensearch.client.json.jackson.JacksonJsonpMapper;
import org.opensearch.client.opensearch.OpenSearchClient;
import org.opensearch.client.opensearch._types.FieldValue;
import org.opensearch.client.opensearch._types.SortOptions;
import org.opensearch.client.opensearch._types.SortOrder;
import org.opensearch.client.opensearch._types.query_dsl.Query;
import org.opensearch.client.opensearch.core.SearchResponse;
import org.opensearch.client.opensearch.core.search.Hit;
import org.opensearch.client.transport.OpenSearchTransport;
import org.opensearch.client.transport.httpclient5.ApacheHttpClient5TransportBuilder;

import dev.jamespipeline.search.document.AttachmentTextExtractor;
import dev.jamespipeline.search.document.ExtractionLimits;
import dev.jamespipeline.search.document.MailboxFacts;
import dev.jamespipeline.search.document.MessageDocumentBuilder;

/**
 * The speed of index searches on one 10,000-message mailbox, end to end through {@link MailIndex}
 * (request, OpenSearch, response, uids in a list), against the way it was read before (the hits'
 * source filtered to three fields, pages of 1,000) in the same run. Not a test: it asserts only that
 * both ways give the same uids, and prints the times. Run:
 * <pre>
 * mvn -B -o verify -pl search-document,search-index -Dtest=SearchSpeedBenchmark -Dsearch.benchmark=true \
 *     -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 */
@EnabledIfSystemProperty(named = "search.benchmark", matches = "true")
class SearchSpeedBenchmark {
    private static final String MAILBOX = "bench-mailbox";
    private static final int MESSAGES = 10_000;
    private static final int RUNS = 25;
    private static final int WARM_UP = 5;
    private static final int OLD_PAGE_SIZE = 1000;

    @Test
    void tenThousandHitsAndASelectiveQuery() throws Exception {
        try (TestIndex test = TestIndex.create(); AttachmentTextExtractor extractor = new AttachmentTextExtractor(ExtractionLimits.DEFAULT, 2)) {
            fill(test, new MessageDocumentBuilder(extractor, Clock.systemUTC()));
            SearchQueryTranslator translator = new SearchQueryTranslator();
            TranslatedQuery all = translator.translate(SearchQuery.of(SearchQuery.all())).orElseThrow();
            TranslatedQuery unseen = translator.translate(SearchQuery.of(SearchQuery.flagIsUnSet(Flags.Flag.SEEN))).orElseThrow();
            TranslatedQuery rare = translator.translate(SearchQuery.of(SearchQuery.mailContains("zanzibarite"))).orElseThrow();
            TranslatedQuery substring = translator.translate(SearchQuery.of(SearchQuery.bodyContains("ibarit"))).orElseThrow();
            OldWay old = new OldWay(test.name);
            try {
                assertThat(old.uids(all)).isEqualTo(test.index.searchUids(MAILBOX, all)).hasSize(MESSAGES);
                assertThat(test.index.searchUids(MAILBOX, rare)).hasSize(10);
                System.out.printf("# SearchSpeedBenchmark: %d messages in one mailbox, %d runs after %d warm-up, times in ms%n",
                    MESSAGES, RUNS, WARM_UP);
                Times oldAll = time(() -> old.uids(all));
                Times newAll = time(() -> test.index.searchUids(MAILBOX, all));
                Times oldUnseen = time(() -> old.uids(unseen));
                Times newUnseen = time(() -> test.index.searchUids(MAILBOX, unseen));
                Times newRare = time(() -> searchAsJamesDoes(test.index, rare));
                Times newSubstring = time(() -> searchAsJamesDoes(test.index, substring));
                print("ALL (10,000 hits), before", oldAll);
                print("ALL (10,000 hits), now", newAll);
                System.out.printf("ALL: now / before p50 = %.2f%n", newAll.p50() / oldAll.p50());
                print("UNSEEN (6,667 hits), before", oldUnseen);
                print("UNSEEN (6,667 hits), now", newUnseen);
                System.out.printf("UNSEEN: now / before p50 = %.2f%n", newUnseen.p50() / oldUnseen.p50());
                print("TEXT zanzibarite (10 hits), undecided check + search", newRare);
                print("BODY ibarit (10 hits, inside a word), undecided check + search", newSubstring);
            } finally {
                old.close();
            }
        }
    }

    /** What OpenSearchMessageSearchIndex asks of the index when nothing is undecided. */
    private static List<Long> searchAsJamesDoes(MailIndex index, TranslatedQuery query) throws Exception {
        assertThat(index.undecidedUids(MAILBOX, query)).isEmpty();
        return index.searchUids(MAILBOX, query);
    }

    private static void fill(TestIndex test, MessageDocumentBuilder builder) throws Exception {
        Random random = new Random(3);
        String[] words = "the quarterly invoice meeting report lunch budget project review draft notes schedule".split(" ");
        List<IndexOperation> batch = new ArrayList<>();
        for (int uid = 1; uid <= MESSAGES; uid++) {
            StringBuilder body = new StringBuilder();
            while (body.length() < 4_000) {
                body.append(words[random.nextInt(words.length)]).append(random.nextInt(1000)).append(' ');
                if (random.nextInt(12) == 0) {
                    body.append("\r\n");
                }
            }
            if (uid % 1000 == 0) {
                body.append(" zanzibarite ");
            }
            String raw = "From: sender" + uid % 97 + "@example.com\r\nTo: bob@example.com\r\nSubject: message " + uid
                + "\r\nDate: Sun, 10 Mar 2024 09:00:00 +0000\r\nMessage-ID: <m" + uid + "@example.com>\r\n\r\n" + body + "\r\n";
            byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
            MailboxFacts facts = new MailboxFacts("bob@example.com", MAILBOX, uid, "message-" + uid, "thread-" + uid, 1,
                uid % 3 == 0 ? List.of("\\Seen") : List.of(), Instant.parse("2024-03-10T10:00:00Z").plusSeconds(uid), bytes.length);
            batch.add(IndexOperation.upsert(builder.build(new ByteArrayInputStream(bytes), facts)));
            if (batch.size() == 500) {
                test.write(batch);
                batch.clear();
            }
        }
        test.write(batch);
        test.index.refresh();
        TestIndex.http("POST", "/" + test.name + "/_forcemerge?max_num_segments=1", null);
    }

    private static Times time(Search search) throws Exception {
        double[] millis = new double[RUNS];
        for (int i = 0; i < WARM_UP + RUNS; i++) {
            long start = System.nanoTime();
            search.run();
            if (i >= WARM_UP) {
                millis[i - WARM_UP] = (System.nanoTime() - start) / 1e6;
            }
        }
        Arrays.sort(millis);
        return new Times(millis[0], millis[RUNS / 2], millis[(int) Math.ceil(RUNS * 0.99) - 1]);
    }

    private static void print(String what, Times times) {
        System.out.printf("%-60s min %7.1f  p50 %7.1f  p99 %7.1f%n", what, times.min(), times.p50(), times.p99());
    }

    private record Times(double min, double p50, double p99) {
    }

    @FunctionalInterface
    private interface Search {
        List<Long> run() throws Exception;
    }

    /** The search as MailIndex made it before: source filtered to three fields, pages of 1,000, search_after. */
    private static final class OldWay implements AutoCloseable {
        private final OpenSearchTransport transport;
        private final OpenSearchClient client;
        private final String indexName;

        OldWay(String indexName) {
            this.transport = ApacheHttpClient5TransportBuilder
                .builder(new HttpHost(TestIndex.ENDPOINT.getScheme(), TestIndex.ENDPOINT.getHost(), TestIndex.ENDPOINT.getPort()))
                .setMapper(new JacksonJsonpMapper(new DocumentJson().mapper()))
                .build();
            this.client = new OpenSearchClient(transport);
            this.indexName = indexName;
        }

        List<Long> uids(TranslatedQuery query) throws Exception {
            Query mailbox = Query.of(q -> q.terms(terms -> terms.field(MailIndexSchema.MAILBOX_ID)
                .terms(values -> values.value(List.of(FieldValue.of(MAILBOX))))));
            Query filter = Queries.allOf(List.of(mailbox, query.matches()));
            List<SortOptions> sort = List.of(
                SortOptions.of(o -> o.field(f -> f.field(MailIndexSchema.MAILBOX_ID).order(SortOrder.Asc))),
                SortOptions.of(o -> o.field(f -> f.field(MailIndexSchema.UID).order(SortOrder.Asc))));
            List<Long> uids = new ArrayList<>();
            List<FieldValue> after = List.of();
            while (true) {
                List<FieldValue> searchAfter = after;
                SearchResponse<OldHit> page = client.search(search -> {
                    search.index(indexName).query(filter).sort(sort).size(OLD_PAGE_SIZE)
                        .trackTotalHits(track -> track.enabled(false))
                        .source(source -> source.filter(fields -> fields.includes(List.of("mailboxId", "uid", "messageId"))));
                    if (!searchAfter.isEmpty()) {
                        search.searchAfterVals(searchAfter);
                    }
                    return search;
                }, OldHit.class);
                List<Hit<OldHit>> hits = page.hits().hits();
                hits.forEach(hit -> uids.add(hit.source().uid()));
                if (hits.size() < OLD_PAGE_SIZE) {
                    return uids;
                }
                after = hits.get(hits.size() - 1).sortVals();
            }
        }

        @Override
        public void close() throws Exception {
            transport.close();
        }
    }

    record OldHit(String mailboxId, long uid, String messageId) {
    }
}
