package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * IMAP SEARCH is exact straight after APPEND, STORE and EXPUNGE, whatever the indexer does: with the
 * indexer paused (WebAdmin), each search first indexes the messages of the search index backlog
 * itself; once the indexer is resumed and has caught up, the same answers come from the index alone.
 */
class SearchWhileIndexerPausedIT {
    private static final String BOB = "bob@" + PipelineJamesExtension.DOMAIN;
    private static final String PASSWORD = PipelineJames.PASSWORD;
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("bob");

    @Test
    void searchesAreExactWhileTheIndexerIsPausedAndTheSameOnceItCatchesUp() throws Exception {
        // Indexed before the pause: their documents are in the index and stay trusted.
        long indexedRead = append("indexed one", "the code is backlogtoken7, noted");
        long indexedUnread = append("indexed two", "nothing to see");
        addFlags(indexedRead, "\\Seen");
        await().atMost(Duration.ofSeconds(60)).until(() -> backlogRows() == 0);

        assertThat(indexer("pause")).isTrue();
        long fresh = append("fresh one", "a BACKLOGTOKEN7 in capitals");
        long freshFlagged = append("fresh two", "pausedbodyword is only here");
        long freshExpunged = append("fresh three", "backlogtoken7 but gone soon");
        addFlags(freshFlagged, "\\Flagged \\Seen");
        addFlags(indexedUnread, "\\Seen");
        expunge(freshExpunged);

        Map<String, List<Long>> expected = new LinkedHashMap<>();
        expected.put("TEXT backlogtoken7", List.of(indexedRead, fresh));
        expected.put("BODY pausedbodyword", List.of(freshFlagged));
        expected.put("UNSEEN", List.of(fresh));
        expected.put("SEEN", List.of(indexedRead, indexedUnread, freshFlagged));
        expected.put("FLAGGED", List.of(freshFlagged));
        expected.put("ALL", List.of(indexedRead, indexedUnread, fresh, freshFlagged));
        expected.put("OR FLAGGED SUBJECT \"indexed one\"", List.of(indexedRead, freshFlagged));
        expected.put("NOT SEEN TEXT backlogtoken7", List.of(fresh));

        SearchIndexProbe probe = new SearchIndexProbe(PIPELINE.james().indexName());
        // Nothing has indexed these yet: the paused indexer left them in the backlog.
        assertThat(probe.documentsWithSubject("fresh one")).isEmpty();
        assertThat(backlogRows()).isPositive();

        assertThat(answers(expected)).isEqualTo(expected);
        // The first search indexed them: the expunged one is gone, the backlog is empty.
        assertThat(probe.documentsWithSubject("fresh one")).hasSize(1);
        assertThat(probe.documentsWithSubject("fresh three")).isEmpty();
        assertThat(backlogRows()).isZero();

        assertThat(indexer("resume")).isFalse();
        // The events wait in the queue; applying them changes nothing.
        await().atMost(Duration.ofSeconds(60)).until(() -> PIPELINE.tap().readyCount(PIPELINE.james().topology().indexQueue()) == 0);
        assertThat(answers(expected)).isEqualTo(expected);
    }

    /** A hostile or unknown action is refused, names the ones there are, and changes nothing; no token, no action. */
    @Test
    void theIndexerRouteRefusesWhatItDoesNotKnowAndCallersWithoutTheToken() throws Exception {
        HttpResponse<String> unknown = post("/pipeline/search?action=%3Cscript%3Epause", true);
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("action must be reindex, pause or resume");
        assertThat(post("/pipeline/search", true).statusCode()).isEqualTo(400);
        assertThat(post("/pipeline/search?action=pause", false).statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(PIPELINE.james().webAdminUri("/pipeline/search"))
                .header("Authorization", WebAdminToken.bearer(PIPELINE.james().webAdminToken())).build(),
            HttpResponse.BodyHandlers.ofString()).body()).path("indexerPaused").asBoolean()).isFalse();
    }

    private static HttpResponse<String> post(String pathAndQuery, boolean withToken) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(PIPELINE.james().webAdminUri(pathAndQuery))
            .POST(HttpRequest.BodyPublishers.noBody());
        if (withToken) {
            request.header("Authorization", WebAdminToken.bearer(PIPELINE.james().webAdminToken()));
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Map<String, List<Long>> answers(Map<String, List<Long>> queries) throws Exception {
        Map<String, List<Long>> answers = new LinkedHashMap<>();
        for (String criteria : queries.keySet()) {
            answers.put(criteria, new ArrayList<>(PIPELINE.james().imap().uidSearch(BOB, PASSWORD, criteria)));
        }
        return answers;
    }

    private static long append(String subject, String body) throws Exception {
        return PIPELINE.james().imap().append(BOB, PASSWORD,
            TestMessages.withAttachments("alice@" + PipelineJamesExtension.DOMAIN, BOB, subject, body));
    }

    private static void addFlags(long uid, String flags) throws Exception {
        PIPELINE.james().imap().addFlags(BOB, PASSWORD, uid, flags);
    }

    private static void expunge(long uid) throws Exception {
        PIPELINE.james().imap().expunge(BOB, PASSWORD, uid);
    }

    /** {@code POST /pipeline/search?action=pause|resume}: whether the indexer is paused afterwards. */
    private static boolean indexer(String action) throws Exception {
        HttpResponse<String> response = post("/pipeline/search?action=" + action, true);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body()).path("indexerPaused").asBoolean();
    }

    private static long backlogRows() throws Exception {
        try (Connection connection = PIPELINE.james().database().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM search_index_backlog")) {
            count.next();
            return count.getLong(1);
        }
    }
}
