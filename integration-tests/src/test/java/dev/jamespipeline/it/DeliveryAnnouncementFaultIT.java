package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.state.StateSettings;
import dev.jamespipeline.it.mailets.PauseOnce;
import dev.jamespipeline.core.envelope.DeliveredEvent;

/**
 * The file ledger's path (ledger.backend=file, as with backend=memory and the stock-James drop-in,
 * where no append hook writes the ledger): {@code DeliveryAnnouncer}, a mailbox listener, runs inside
 * LocalDelivery's append, and James's event bus reports success to the append whatever the listener threw. A failed ledger write or {@code mail.delivered} publish
 * there must neither deliver the message twice nor leave it unannounced (never indexed). The PostgreSQL
 * path (ledger and outbox written in the mailbox's transaction): OutboxAnnouncementFaultIT.
 */
class DeliveryAnnouncementFaultIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<String> RETRY_DELAYS_MS = List.of("2000", "2000", "2000", "2000", "2000");

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob", "carol")
        .throughProxy()
        .editConf("james-database.properties", text -> text.replace("backend=postgresql", "backend=memory"))
        .setting(StateSettings.LEDGER_BACKEND, "file")
        .setting(StateSettings.STORE_BACKEND, "file")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.RETRY_DELAYS, String.join(",", RETRY_DELAYS_MS))
        .editMailetContainer(MailetContainerEdits.pauseAroundLocalDelivery(
            List.of("ledger-before", "publish-before"), List.of("ledger-after", "publish-after")));

    @AfterAll
    static void releasePausedConsumers() {
        List.of("ledger-before", "publish-before", "ledger-after", "publish-after").forEach(PauseOnce::release);
    }

    @Test
    void aLedgerWriteFailingDuringDeliveryFailsTheStageWhichRetriesWithoutASecondCopy() throws Exception {
        PipelineJames james = PIPELINE.james();
        String delivered = tapMailDelivered();
        SmtpReply reply = sendAndHoldBeforeLocalDelivery("ledger", "bob@" + DOMAIN);

        // Tests run as root, which ignores permissions: a regular file where this message's ledger
        // directory goes makes every ledger write for it fail, as a full or read-only disk would.
        LedgerShardBlocker blocker = LedgerShardBlocker.block(james.ledgerRoot(), reply.pipelineId());
        PauseOnce.release("ledger-before");
        assertThat(PauseOnce.awaitReached("ledger-after", 60)).as("the listener ran, its ledger write failed").isTrue();
        assertThat(james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD)).isEqualTo(1);
        PauseOnce.release("ledger-after");

        // The stage failed (it is waiting in the first retry tier); only then may the ledger heal.
        String firstRetry = james.topology().retryQueue(james.topology().stageQueue("route"), 0);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> PIPELINE.tap().readyCount(firstRetry) > 0);
        blocker.unblock();

        DeliveredOnce.assertDeliveredOnceAndAnnouncedOnce(PIPELINE, reply.pipelineId(), "bob@" + DOMAIN, delivered,
            RETRY_DELAYS_MS.size());
    }

    @Test
    void aMailDeliveredPublishFailingDuringDeliveryIsRepairedWithoutASecondCopy() throws Exception {
        String delivered = tapMailDelivered();
        SmtpReply reply = sendAndHoldBeforeLocalDelivery("publish", "carol@" + DOMAIN);

        // James loses the broker (its consumer's and its publisher's connections) just before the append.
        // No IMAP while it is cut: the flags listener's publish fails too, and James retries it inside the command.
        PIPELINE.proxy().cut();
        try {
            PauseOnce.release("publish-before");
            assertThat(PauseOnce.awaitReached("publish-after", 90)).as("the listener ran, its publish failed").isTrue();
        } finally {
            PIPELINE.proxy().restore();
        }
        PauseOnce.release("publish-after");

        DeliveredOnce.assertDeliveredOnceAndAnnouncedOnce(PIPELINE, reply.pipelineId(), "carol@" + DOMAIN, delivered,
            RETRY_DELAYS_MS.size());
    }

    private static String tapMailDelivered() throws Exception {
        return PIPELINE.tap().tap(PIPELINE.james().topology().mailEventsExchange(), DeliveredEvent.ROUTING_KEY);
    }

    /** Sends a message whose stage pauses {@code <fault>-before} and {@code <fault>-after} LocalDelivery; returns at the first. */
    private static SmtpReply sendAndHoldBeforeLocalDelivery(String fault, String recipient) throws Exception {
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, fault + "-before " + fault + "-after",
            fault + " fault", recipient);
        assertThat(reply.accepted()).isTrue();
        assertThat(PauseOnce.awaitReached(fault + "-before", 30)).isTrue();
        return reply;
    }

    /** Puts a regular file where the ledger's directory for one pipeline id goes, and takes it away again. */
    private record LedgerShardBlocker(Path shard, Path aside) {
        static LedgerShardBlocker block(Path ledgerRoot, String pipelineId) throws Exception {
            Path shard = ledgerRoot.resolve(pipelineId.substring(0, 2));
            Path aside = ledgerRoot.resolve(shard.getFileName() + ".aside");
            if (Files.exists(shard)) {
                Files.move(shard, aside);
            }
            Files.createDirectories(ledgerRoot);
            Files.writeString(shard, "not a directory");
            return new LedgerShardBlocker(shard, aside);
        }

        void unblock() throws Exception {
            Files.delete(shard);
            if (Files.exists(aside)) {
                Files.move(aside, shard);
            }
        }
    }
}
