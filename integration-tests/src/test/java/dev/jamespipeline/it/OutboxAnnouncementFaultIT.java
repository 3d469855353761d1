package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.state.StateSettings;
import dev.jamespipeline.it.mailets.PauseOnce;

/**
 * The PostgreSQL path (the shipped configuration): the append hook writes the ledger entry and the
 * {@code mail.delivered} outbox row in the mailbox's own transaction, and the outbox relay publishes
 * the row. A publish failing because the broker is unreachable must leave the row until the relay can
 * publish it, without a second copy in the mailbox (the stage's redelivery finds its delivery claimed).
 * The file ledger's path: DeliveryAnnouncementFaultIT.
 */
class OutboxAnnouncementFaultIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String OUTBOX_POLL_MS = "200";

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "carol")
        .throughProxy()
        .setting(StateSettings.OUTBOX_POLL, OUTBOX_POLL_MS)
        .editMailetContainer(MailetContainerEdits.pauseBeforeLocalDelivery("outbox"));

    @AfterAll
    static void releasePausedConsumer() {
        PauseOnce.release("outbox");
    }

    @Test
    void aMailDeliveredPublishFailingLeavesTheOutboxRowWhichTheRelayPublishesAfterRecovery() throws Exception {
        String carol = "carol@" + DOMAIN;
        String delivered = PIPELINE.tap().tap(PIPELINE.james().topology().mailEventsExchange(), DeliveredEvent.ROUTING_KEY);
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "outbox", "outbox fault", carol);
        assertThat(reply.accepted()).isTrue();
        assertThat(PauseOnce.awaitReached("outbox", 30)).as("the stage held before LocalDelivery").isTrue();

        // James loses the broker (its consumer's and its publisher's connections) just before the append.
        // No IMAP while it is cut: the flags listener's publish fails too, and James retries it inside the command.
        PIPELINE.proxy().cut();
        try {
            PauseOnce.release("outbox");
            await().atMost(WAIT).until(() -> outboxRows() == 1);
            // Several relay turns, each failing to publish: the row stays.
            Thread.sleep(10 * Long.parseLong(OUTBOX_POLL_MS));
            assertThat(outboxRows()).as("the unpublished mail.delivered stays in the outbox").isEqualTo(1);
            assertThat(PIPELINE.tap().drain(delivered)).as("nothing announced while the broker is cut").isEmpty();
        } finally {
            PIPELINE.proxy().restore();
        }

        await().atMost(WAIT).until(() -> outboxRows() == 0);
        DeliveredOnce.assertDeliveredOnceAndAnnouncedOnce(PIPELINE, reply.pipelineId(), carol, delivered,
            PIPELINE.james().configuration().stagePolicy().retryDelays().size());
    }

    private static long outboxRows() throws SQLException {
        try (Connection connection = PIPELINE.james().database().dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet count = statement.executeQuery("SELECT count(*) FROM pipeline_outbox")) {
            count.next();
            return count.getLong(1);
        }
    }
}
