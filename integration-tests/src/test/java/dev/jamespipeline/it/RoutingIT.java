package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.james.utils.DataProbeImpl;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;


import dev.jamespipeline.core.envelope.OutboundJob;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;

/** The routing stage: remote recipients become one outbound job, unknown local ones a bounce, aliases resolve. */
class RoutingIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob", "dave");

    @BeforeAll
    static void addAliases() throws Exception {
        DataProbeImpl data = PIPELINE.james().server().getProbe(DataProbeImpl.class);
        data.addAddressMapping("team", DOMAIN, "dave@" + DOMAIN);
        data.addAddressMapping("travel", DOMAIN, "dave@elsewhere.test");
    }

    @Test
    void aRemoteRecipientProducesExactlyOneOutboundJobAndLocalOnesAreDelivered() throws Exception {
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "mixed", "local and remote",
            "bob@" + DOMAIN, "someone@remote.test", "other@remote.test");
        assertThat(reply.accepted()).isTrue();

        awaitStageDone(reply.pipelineId());
        List<OutboundJob> jobs = outboundJobsFor(reply.pipelineId());
        assertThat(jobs).hasSize(1);
        OutboundJob job = jobs.get(0);
        assertThat(job.recipients()).containsExactlyInAnyOrder("someone@remote.test", "other@remote.test");
        assertThat(job.sender()).isEqualTo("alice@" + DOMAIN);
        assertThat(job.jobId()).startsWith(reply.pipelineId());
        // The job references the routed message: stored, intact, without the pipeline's local header.
        byte[] routed = PIPELINE.james().storedMessage(job.storage().key());
        assertThat(new String(routed, StandardCharsets.UTF_8)).contains("local and remote").doesNotContain("X-James-Pipeline-Id");
        assertThat((long) routed.length).isEqualTo(job.storage().size());
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == 1);
    }

    @Test
    void anAliasIsRewrittenBeforeDelivery() throws Exception {
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "to the team", "alias body", "team@" + DOMAIN);
        assertThat(reply.accepted()).isTrue();

        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("dave@" + DOMAIN, PipelineJames.PASSWORD) == 1);
        assertThat(PIPELINE.james().imap().inboxMessages("dave@" + DOMAIN, PipelineJames.PASSWORD).get(0)).contains("alias body");
    }

    @Test
    void aForwardToARemoteAddressBecomesAnOutboundJobWithAnIdDerivedFromTheOriginal() throws Exception {
        // James's RecipientRewriteTable re-sends remote forwards through the spool; root hands them back to the pipeline.
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "forward me", "forwarded body", "travel@" + DOMAIN);
        assertThat(reply.accepted()).isTrue();

        List<OutboundJob> jobs = new java.util.ArrayList<>();
        await().atMost(WAIT).until(() -> {
            jobs.addAll(outboundJobsWithIdPrefix(reply.pipelineId() + "-"));
            return !jobs.isEmpty();
        });
        assertThat(jobs).hasSize(1);
        assertThat(jobs.get(0).recipients()).containsExactly("dave@elsewhere.test");
        assertThat(new String(PIPELINE.james().storedMessage(jobs.get(0).storage().key()), StandardCharsets.UTF_8)).contains("forwarded body");
    }

    @Test
    void anUnknownLocalRecipientIsBouncedToTheSender() throws Exception {
        // SMTP refuses unknown local users at RCPT (ValidRcptHandler), so this arrives as another node would send it.
        int before = PIPELINE.james().imap().inboxCount("alice@" + DOMAIN, PipelineJames.PASSWORD);
        ReceivedEnvelope envelope = ReceivedEvents.publish(PIPELINE.james(), PIPELINE.tap(), "alice@" + DOMAIN, List.of("nobody@" + DOMAIN),
            ReceivedEvents.message("alice@" + DOMAIN, "nobody@" + DOMAIN, "lost", "to a user who does not exist"));

        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("alice@" + DOMAIN, PipelineJames.PASSWORD) == before + 1);
        List<String> messages = PIPELINE.james().imap().inboxMessages("alice@" + DOMAIN, PipelineJames.PASSWORD);
        assertThat(messages.get(messages.size() - 1)).contains("no such user here");
        assertThat(PIPELINE.james().ledger()
            .contains(envelope.pipelineId(), LedgerEntry.bounced("nobody@" + DOMAIN))).isTrue();
    }

    private static void awaitStageDone(String pipelineId) throws IOException {
        DeliveryLedger ledger = PIPELINE.james().ledger();
        await().atMost(WAIT).until(() -> ledger.contains(pipelineId, LedgerEntry.stageDone("route")));
    }

    private static List<OutboundJob> outboundJobsFor(String pipelineId) throws Exception {
        return OutboundJobs.take(PIPELINE.tap(), PIPELINE.james()).stream()
            .filter(job -> job.pipelineId().equals(pipelineId))
            .collect(Collectors.toList());
    }

    private static List<OutboundJob> outboundJobsWithIdPrefix(String prefix) throws Exception {
        return OutboundJobs.take(PIPELINE.tap(), PIPELINE.james()).stream()
            .filter(job -> job.pipelineId().startsWith(prefix))
            .collect(Collectors.toList());
    }
}
