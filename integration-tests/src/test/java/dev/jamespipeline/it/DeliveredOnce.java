package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;

/** What a delivery fault must end in: the route stage done, one copy in the mailbox, one {@code mail.delivered}. */
final class DeliveredOnce {
    private static final Duration WAIT = Duration.ofSeconds(90);

    private DeliveredOnce() {
    }

    /**
     * @param deliveredTap a tap on {@code mail.delivered} opened before the message was sent
     * @param retryTiers   the route stage's retry tiers, whose queues must have been emptied too
     */
    static void assertDeliveredOnceAndAnnouncedOnce(PipelineJamesExtension pipeline, String pipelineId, String user,
                                                    String deliveredTap, int retryTiers) throws Exception {
        DeliveryLedger ledger = pipeline.james().ledger();
        await().atMost(WAIT).until(() -> ledger.contains(pipelineId, LedgerEntry.stageDone("route")));
        assertThat(ledger.contains(pipelineId, LedgerEntry.delivered(user))).isTrue();
        // Every copy of the envelope (the broker's redelivery, the retry tiers) has been consumed.
        await().atMost(WAIT).until(() -> queuesHoldingWork(pipeline, retryTiers) == 0);
        assertThat(pipeline.james().imap().inboxCount(user, PipelineJames.PASSWORD)).isEqualTo(1);
        long announcements = pipeline.tap().drain(deliveredTap).stream()
            .filter(event -> new String(event.getBody(), StandardCharsets.UTF_8).contains(pipelineId))
            .count();
        assertThat(announcements).as("mail.delivered events for " + pipelineId).isEqualTo(1);
    }

    private static long queuesHoldingWork(PipelineJamesExtension pipeline, int retryTiers) throws Exception {
        Topology topology = pipeline.james().topology();
        String stageQueue = topology.stageQueue("route");
        long total = pipeline.tap().readyCount(stageQueue);
        for (int tier = 0; tier < retryTiers; tier++) {
            total += pipeline.tap().readyCount(topology.retryQueue(stageQueue, tier));
        }
        return total;
    }
}
