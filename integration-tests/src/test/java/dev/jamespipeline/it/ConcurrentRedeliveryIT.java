package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.it.mailets.PauseOnce;

/**
 * What the fault harness caught on a RabbitMQ restart: a delivery already being worked on when
 * the broker connection drops keeps running while the broker hands the same message to the
 * recovered consumer. Both had passed the ledger check; both delivered. One must wait for the other.
 */
class ConcurrentRedeliveryIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String BOB = "bob@" + DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .throughProxy()
        // Hold the first attempt after its ledger check, before LocalDelivery.
        .editMailetContainer(MailetContainerEdits.pauseBeforeLocalDelivery("raced"));

    @AfterAll
    static void releasePausedConsumer() {
        PauseOnce.release("raced");
    }

    @Test
    void aRedeliveryRacingTheAttemptStillRunningLeavesOneCopy() throws Exception {
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "raced", "exactly once please", BOB);
        assertThat(reply.accepted()).isTrue();
        assertThat(PauseOnce.awaitReached("raced", 30)).as("first attempt held before LocalDelivery").isTrue();
        String stageQueue = PIPELINE.james().topology().stageQueue("route");

        // The connection dies under the held attempt; the broker requeues the message and hands it to
        // the consumers once they have recovered.
        PIPELINE.proxy().cut();
        await().atMost(WAIT).until(() -> PIPELINE.tap().consumerCount(stageQueue) == 0);
        PIPELINE.proxy().restore();
        await().atMost(WAIT).until(() -> PIPELINE.tap().consumerCount(stageQueue) > 0
            && PIPELINE.tap().readyCount(stageQueue) == 0);
        // Let the redelivered copy run as far as it can while the first attempt is still held: without
        // a guard it delivers now, and the first attempt delivers again once released.
        Thread.sleep(1_000);
        PauseOnce.release("raced");

        DeliveryLedger ledger = PIPELINE.james().ledger();
        await().atMost(WAIT).until(() -> ledger.contains(reply.pipelineId(), LedgerEntry.stageDone("route")));
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount(BOB, PipelineJames.PASSWORD) >= 1);
        Thread.sleep(1_000);
        assertThat(PIPELINE.james().imap().inboxCount(BOB, PipelineJames.PASSWORD)).isEqualTo(1);
    }
}
