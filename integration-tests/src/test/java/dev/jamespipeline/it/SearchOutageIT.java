package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.broker.Topology;

/**
 * OpenSearch out of reach while mail is delivered: mail still flows, IMAP SEARCH falls back to
 * scanning, index events are retried and then dead-lettered; once OpenSearch is back, replaying
 * the dead letters makes the index converge with nothing missing. A re-indexing task rebuilds a
 * lost index from the mailboxes.
 */
class SearchOutageIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String ALICE = "alice@" + DOMAIN;
    private static final String BOB = "bob@" + DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MESSAGES = 5;
    private static final Pattern TASK_ID = Pattern.compile("\"taskId\":\"([0-9a-f-]+)\"");

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .openSearchThroughProxy()
        .setting(PipelineConfiguration.INDEX_POLICY + QueuePolicy.RETRY_DELAYS, "200,400");

    @Test
    void eventsDeadLetteredDuringAnOutageAreReplayedAndTheIndexConverges() throws Exception {
        Topology topology = PIPELINE.james().topology();
        String indexQueue = topology.indexQueue();
        PIPELINE.openSearchProxy().cut();
        for (int i = 0; i < MESSAGES; i++) {
            assertThat(PIPELINE.james().smtp().send(ALICE, "outage " + i, "during the outage", BOB).code()).isEqualTo(250);
        }

        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount(BOB, PipelineJames.PASSWORD) == MESSAGES);
        // At least one event per message; IMAP's reads may add mailbox.flags events (\Recent cleared), so
        // wait for the retries to run out rather than for an exact count.
        await().atMost(WAIT).until(() -> PIPELINE.tap().readyCount(topology.deadLetterQueue(indexQueue)) >= MESSAGES
            && PIPELINE.tap().readyCount(indexQueue) == 0
            && PIPELINE.tap().readyCount(topology.retryQueue(indexQueue, 0)) == 0
            && PIPELINE.tap().readyCount(topology.retryQueue(indexQueue, 1)) == 0);
        // Searching still works, from James's own scan.
        assertThat(search("SUBJECT outage")).hasSize(MESSAGES);
        assertThat(PIPELINE.james().webAdmin("GET", "/healthcheck/checks/OpenSearchIndex").body()).contains("degraded");

        PIPELINE.openSearchProxy().restore();
        HttpResponse<String> replay = PIPELINE.james().webAdmin("POST",
            "/pipeline/queues/" + indexQueue + "/dead-letters?action=replay");

        assertThat(replay.statusCode()).as(replay.body()).isEqualTo(201);
        await().atMost(WAIT).until(() -> probe().documentsWithSubject("outage").size() == MESSAGES);
        assertThat(PIPELINE.tap().readyCount(topology.deadLetterQueue(indexQueue))).isZero();
    }

    @Test
    void aReindexTaskRebuildsALostIndexFromTheMailboxes() throws Exception {
        PIPELINE.james().smtp().send(BOB, "before the loss", "rebuiltword", ALICE);
        await().atMost(WAIT).until(() -> probe().documentsWithSubject("before the loss").size() == 1);
        probe().deleteIndex();

        HttpResponse<String> submitted = PIPELINE.james().webAdmin("POST", "/pipeline/search?action=reindex&user=" + ALICE);
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(201);
        Matcher taskId = TASK_ID.matcher(submitted.body());
        assertThat(taskId.find()).isTrue();
        String task = PIPELINE.james().webAdmin("GET", "/tasks/" + taskId.group(1) + "/await").body();

        assertThat(task).contains("\"status\":\"completed\"").contains("\"messagesIndexed\":1");
        assertThat(probe().documentsWithSubject("before the loss")).hasSize(1);
        assertThat(PIPELINE.james().imap().uidSearch(ALICE, PipelineJames.PASSWORD, "TEXT rebuiltword")).hasSize(1);
    }

    private static java.util.List<Long> search(String criteria) throws Exception {
        return PIPELINE.james().imap().uidSearch(BOB, PipelineJames.PASSWORD, criteria);
    }

    private static SearchIndexProbe probe() {
        return new SearchIndexProbe(PIPELINE.james().indexName());
    }
}
