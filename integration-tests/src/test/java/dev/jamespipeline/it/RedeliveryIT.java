package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.it.mailets.PauseOnce;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;

/**
 * At-least-once delivery must not become at-least-twice in a mailbox or in outbound jobs:
 * a consumer that loses its broker connection between work and ack, and a duplicate publish
 * of the same event, both leave exactly one copy and one job.
 */
class RedeliveryIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob", "carol")
        .throughProxy()
        // Hold the first local delivery's consumer thread after LocalDelivery, before the stage acks.
        .editMailetContainer(MailetContainerEdits.pauseAfterLocalDelivery("interrupted"));

    /** Runs before the extension stops James, so a held consumer does not delay the shutdown. */
    @AfterAll
    static void releasePausedConsumer() {
        PauseOnce.release("interrupted");
    }

    @Test
    void consumerLosingItsConnectionBetweenDeliveryAndAckCreatesNoDuplicate() throws Exception {
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "interrupted", "exactly once please",
            "bob@" + DOMAIN, "far@remote.test");
        assertThat(reply.accepted()).isTrue();
        assertThat(PauseOnce.awaitReached("interrupted", 30)).as("stage reached the pause after LocalDelivery").isTrue();
        assertThat(PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD)).isEqualTo(1);

        // The consumer's connection dies with the message unacked: the broker gives it to another consumer,
        // which waits for the attempt still held on this node, then finds its work recorded in the ledger.
        PIPELINE.proxy().cut();
        PIPELINE.proxy().restore();
        PauseOnce.release("interrupted");
        DeliveryLedger ledger = PIPELINE.james().ledger();
        await().atMost(WAIT).until(() -> ledger.contains(reply.pipelineId(), LedgerEntry.stageDone("route")));
        Thread.sleep(2_000);
        assertThat(PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD)).isEqualTo(1);
        assertThat(OutboundJobs.take(PIPELINE.tap(), PIPELINE.james()).stream().filter(job -> job.pipelineId().equals(reply.pipelineId())))
            .hasSize(1);
    }

    @Test
    void aDuplicatePublishOfMailReceivedCreatesNoSecondCopy() throws Exception {
        String received = PIPELINE.tap().tap(PIPELINE.james().topology().mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY);
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "once", "published twice", "carol@" + DOMAIN);
        GetResponse original = PIPELINE.tap().nextMatching(received,
            body -> new String(body, StandardCharsets.UTF_8).contains(reply.pipelineId()), WAIT);
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("carol@" + DOMAIN, PipelineJames.PASSWORD) == 1);

        ReceivedEvents.publishRaw(PIPELINE.james(), PIPELINE.tap(), reply.pipelineId(), original.getBody());

        // The duplicate is consumed (the queue drains) and changes nothing.
        String stageQueue = PIPELINE.james().topology().stageQueue("route");
        await().atMost(WAIT).until(() -> PIPELINE.tap().readyCount(stageQueue) == 0);
        Thread.sleep(1_000);
        List<String> inbox = PIPELINE.james().imap().inboxMessages("carol@" + DOMAIN, PipelineJames.PASSWORD);
        assertThat(inbox).hasSize(1);
    }
}
