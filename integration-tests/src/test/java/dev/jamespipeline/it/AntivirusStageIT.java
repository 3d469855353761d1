package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.MailQuarantined;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.security.virus.VirusSettings;
import dev.jamespipeline.testing.ClamdPeer;
import dev.jamespipeline.testing.TestViruses;

/**
 * The "virus" stage before "route", through a real James, RabbitMQ and a private clamd with the shipped
 * signatures: clean mail reaches the INBOX marked scanned, EICAR is quarantined and never delivered, and with
 * clamd stopped the mail waits in the stage's retry queues, then is scanned once clamd is back, or is
 * quarantined (fail closed) when clamd stays down through the last attempt.
 * <p>
 * The shipped mailetcontainer.xml's "virus" processor and the real quarantine: what it keeps is seen as an operator
 * sees it (its {@code mail.quarantined} event, WebAdmin's list, the kept bytes in the message store).
 */
class AntivirusStageIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ClamdPeer CLAMD = ClamdPeer.start();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob", "carol", "dave", "erin")
        .setting(PipelineConfiguration.STAGES, "virus,route")
        // Three attempts: the first, then after 1 s, then after 10 s (the last, which applies the failure policy):
        // clamd, started again once the mail waits in the first tier, is back long before on a loaded machine too.
        .setting("stage.retry.delays.ms", "1000,10000")
        .setting(VirusSettings.CLAMD_HOST, CLAMD.host())
        .setting(VirusSettings.CLAMD_PORT, Integer.toString(CLAMD.port()))
        .setting(VirusSettings.CONNECT_TIMEOUT, "1000")
        .setting(VirusSettings.READ_TIMEOUT, "20000")
        .setting(VirusSettings.SCAN_TIMEOUT, "30000");

    @AfterAll
    static void stopClamd() {
        CLAMD.close();
    }

    @Test
    void aCleanMessageReachesTheInboxMarkedScannedByThisStageOnly() throws Exception {
        // The sender claims a scan of its own: only the stage's field may reach the reader.
        String message = "From: alice@" + DOMAIN + "\r\nTo: bob@" + DOMAIN + "\r\nSubject: clean\r\n"
            + "X-Virus-Scanned: clamav (forged by the sender)\r\nX-Virus-Status: Clean\r\n\r\nnothing bad in here\r\n";
        SmtpReply reply = PIPELINE.james().smtp().sendBytes("alice@" + DOMAIN, message.getBytes(StandardCharsets.US_ASCII),
            "bob@" + DOMAIN);
        assertThat(reply.accepted()).isTrue();

        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == 1);
        String delivered = PIPELINE.james().imap().inboxMessages("bob@" + DOMAIN, PipelineJames.PASSWORD).get(0);
        assertThat(delivered)
            .contains("X-Virus-Scanned: clamav\r\n")
            .doesNotContain("forged by the sender", "X-Virus-Status")
            .contains("nothing bad in here");
        assertThat(delivered.split("X-Virus-", -1)).hasSize(2);
        assertThat(quarantine().entriesOf(reply.pipelineId())).isEmpty();
    }

    @Test
    void eicarIsQuarantinedAndNeverReachesTheInbox() throws Exception {
        Topology topology = PIPELINE.james().topology();
        String announcements = PIPELINE.tap().tap(topology.mailEventsExchange(), MailQuarantined.ROUTING_KEY);
        String routeHandoffs = PIPELINE.tap().tap(topology.stagesExchange(), "route");
        SmtpReply reply = PIPELINE.james().smtp().sendBytes("alice@" + DOMAIN, TestViruses.messageWithEicarAttachment("eicar"),
            "carol@" + DOMAIN);
        assertThat(reply.accepted()).isTrue();
        String signature = TestViruses.EICAR + TestViruses.UNOFFICIAL;

        JsonNode event = QuarantineAdmin.announcement(PIPELINE.tap(), announcements, reply.pipelineId(), WAIT);
        assertThat(event.path("stage").asText()).isEqualTo("virus");
        assertThat(event.path("reason").asText()).isEqualTo("virus " + signature);
        assertThat(event.path("recipients")).extracting(JsonNode::asText).containsExactly("carol@" + DOMAIN);
        String id = event.path("quarantineId").asText();
        QuarantineAdmin quarantine = quarantine();
        assertThat(quarantine.entry(id)).as("listed by WebAdmin").hasValueSatisfying(listed ->
            assertThat(listed.path("reason").asText()).isEqualTo("virus " + signature));
        assertThat(quarantine.keptMessage(id)).startsWith("X-Virus-Scanned: clamav\r\nX-Virus-Found: " + signature + "\r\n");

        // The stage is done once it has handed the mail on (confirmed) or not: by then no hand-off to route came.
        DeliveryLedger ledger = PIPELINE.james().ledger();
        await().atMost(WAIT).until(() -> ledger.contains(reply.pipelineId(), LedgerEntry.stageDone("virus")));
        assertThat(PIPELINE.tap().drainedAnyContaining(routeHandoffs, reply.pipelineId())).as("handed to route").isFalse();
        assertThat(PIPELINE.james().imap().inboxCount("carol@" + DOMAIN, PipelineJames.PASSWORD)).isZero();
    }

    @Test
    void withClamdStoppedTheMessageWaitsAndIsScannedOnceClamdIsBack() throws Exception {
        String firstRetry = PIPELINE.james().topology().retryQueue(PIPELINE.james().topology().stageQueue("virus"), 0);
        CLAMD.stop();
        SmtpReply reply;
        try {
            reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "outage", "sent while clamd is down", "dave@" + DOMAIN);
            assertThat(reply.accepted()).isTrue();
            // The first attempt failed: the message waits in the stage's first retry tier.
            await().atMost(WAIT).pollInterval(Duration.ofMillis(50)).until(() -> PIPELINE.tap().readyCount(firstRetry) > 0);
        } finally {
            CLAMD.startAgain();
        }

        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("dave@" + DOMAIN, PipelineJames.PASSWORD) == 1);
        assertThat(PIPELINE.james().imap().inboxMessages("dave@" + DOMAIN, PipelineJames.PASSWORD).get(0))
            .contains("X-Virus-Scanned: clamav\r\n")
            .doesNotContain("unscanned");
        assertThat(quarantine().entriesOf(reply.pipelineId())).isEmpty();
    }

    @Test
    void withClamdDownThroughEveryRetryTheMessageIsQuarantinedUnscanned() throws Exception {
        Topology topology = PIPELINE.james().topology();
        String announcements = PIPELINE.tap().tap(topology.mailEventsExchange(), MailQuarantined.ROUTING_KEY);
        String routeHandoffs = PIPELINE.tap().tap(topology.stagesExchange(), "route");
        DeliveryLedger ledger = PIPELINE.james().ledger();
        CLAMD.stop();
        SmtpReply reply;
        try {
            reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "long outage", "clamd never comes back in time", "erin@" + DOMAIN);
            assertThat(reply.accepted()).isTrue();
            await().atMost(WAIT).until(() -> ledger.contains(reply.pipelineId(), LedgerEntry.stageDone("virus")));
        } finally {
            CLAMD.startAgain();
        }

        JsonNode event = QuarantineAdmin.announcement(PIPELINE.tap(), announcements, reply.pipelineId(), WAIT);
        assertThat(event.path("recipients")).extracting(JsonNode::asText).containsExactly("erin@" + DOMAIN);
        assertThat(event.path("reason").asText()).startsWith("virus scan failed: clamd at " + CLAMD.host() + ":" + CLAMD.port()
            + " refused the connection");
        // only the last attempt applies the failure policy: one entry
        assertThat(quarantine().entriesOf(reply.pipelineId())).hasSize(1);
        assertThat(quarantine().keptMessage(event.path("quarantineId").asText())).startsWith("X-Virus-Scanned: unscanned (clamd at ");
        assertThat(PIPELINE.tap().drainedAnyContaining(routeHandoffs, reply.pipelineId())).as("handed to route").isFalse();
        assertThat(PIPELINE.james().imap().inboxCount("erin@" + DOMAIN, PipelineJames.PASSWORD)).isZero();
    }

    private static QuarantineAdmin quarantine() {
        return new QuarantineAdmin(PIPELINE.james());
    }
}
