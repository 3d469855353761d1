package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.apache.james.modules.protocols.SieveProbeImpl;

import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.it.mailets.PauseOnce;

/**
 * Mail James creates during a stage (a bounce, a Sieve redirect) goes through James's spool. In James's memory
 * spool it would wait for a spooler thread after the stage acked, and a crash in between would lose
 * it; with the server main's synchronous spool it is stored and announced on the stage's own thread,
 * before the stage can ack.
 */
class DerivedMailIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String SUBJECT = "bounce-me";
    private static final String REDIRECTED = "redirect-me";
    /** How the work-queue runtime names the threads that consume the stage queues. */
    private static final String STAGE_THREADS = "james-pipeline-stages-";

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob", "carol")
        .editMailetContainer(MailetContainerEdits.pauseBeforeAnnouncingSpooledMail(SUBJECT, REDIRECTED));

    @AfterAll
    static void releaseHeldThreads() {
        PauseOnce.release(SUBJECT);
        PauseOnce.release(REDIRECTED);
    }

    @Test
    void aSieveRedirectIsAnnouncedBeforeTheStageThatCreatedItAcks() throws Exception {
        PipelineJames james = PIPELINE.james();
        james.server().getProbe(SieveProbeImpl.class).addActiveSieveScript("bob@" + DOMAIN, "away",
            "redirect \"carol@" + DOMAIN + "\";\n");
        SmtpReply reply = james.smtp().send("alice@" + DOMAIN, REDIRECTED, "for bob, who sends it on to carol", "bob@" + DOMAIN);
        assertThat(reply.accepted()).isTrue();

        assertThat(PauseOnce.awaitReached(REDIRECTED, 30)).as("the redirect reached root").isTrue();
        assertThat(PauseOnce.heldThread(REDIRECTED)).startsWith(STAGE_THREADS);
        DeliveryLedger ledger = james.ledger();
        assertThat(ledger.contains(reply.pipelineId(), LedgerEntry.stageDone("route"))).isFalse();
        PauseOnce.release(REDIRECTED);

        await().atMost(WAIT).until(() -> ledger.contains(reply.pipelineId(), LedgerEntry.stageDone("route")));
        await().atMost(WAIT).until(() -> james.imap().inboxCount("carol@" + DOMAIN, PipelineJames.PASSWORD) == 1);
        assertThat(james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD)).isZero();
    }

    @Test
    void aBounceIsAnnouncedBeforeTheStageThatCreatedItAcks() throws Exception {
        PipelineJames james = PIPELINE.james();
        String received = PIPELINE.tap().tap(james.topology().mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY);
        // SMTP refuses unknown local users at RCPT (ValidRcptHandler), so this arrives as another node would send it.
        ReceivedEnvelope original = ReceivedEvents.publish(james, PIPELINE.tap(), "alice@" + DOMAIN, List.of("nobody@" + DOMAIN),
            ReceivedEvents.message("alice@" + DOMAIN, "nobody@" + DOMAIN, SUBJECT, "to a user who does not exist"));

        // The bounce is about to be announced: the thread holding it is the stage's, which has not finished.
        assertThat(PauseOnce.awaitReached(SUBJECT, 30)).as("the bounce reached root").isTrue();
        assertThat(PauseOnce.heldThread(SUBJECT)).startsWith(STAGE_THREADS);
        DeliveryLedger ledger = james.ledger();
        assertThat(ledger.contains(original.pipelineId(), LedgerEntry.stageDone("route"))).isFalse();
        PauseOnce.release(SUBJECT);

        GetResponse bounce = PIPELINE.tap().nextMatching(received,
            body -> !new String(body, StandardCharsets.UTF_8).contains(original.pipelineId()), WAIT);
        ReceivedEnvelope bounceEnvelope = new EnvelopeCodec().decodeReceived(bounce.getBody());
        assertThat(bounceEnvelope.recipients()).containsExactly("alice@" + DOMAIN);
        await().atMost(WAIT).until(() -> ledger.contains(original.pipelineId(), LedgerEntry.stageDone("route")));
        await().atMost(WAIT).until(() -> james.imap().inboxCount("alice@" + DOMAIN, PipelineJames.PASSWORD) == 1);
    }
}
