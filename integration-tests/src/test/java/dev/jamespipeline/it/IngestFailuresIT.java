package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;

/**
 * Every way the ingest can fail answers 451 and leaves nothing half done. James reaches RabbitMQ
 * through a proxy the test can cut: the broker's port becomes unreachable in the middle of an
 * SMTP transaction; once it is back the next message is accepted and delivered, with no James
 * restart. The other case: mail.received unroutable (the message store unable to write: FileStoreWriteFailureIT).
 */
class IngestFailuresIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob", "carol")
        .setting(PipelineConfiguration.CONFIRM_TIMEOUT, "2000")
        .throughProxy();

    @Test
    void brokerUnreachableAtDataTimeGives451AndNothingHalfDoneThenRecovers() throws Exception {
        int initial = PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD);
        SmtpReply before = PIPELINE.james().smtp().send("alice@" + DOMAIN, "before outage", "before", "bob@" + DOMAIN);
        assertThat(before.code()).isEqualTo(250);
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == initial + 1);
        long storedBefore = PIPELINE.james().storedMessageCount();

        SmtpReply during = PIPELINE.james().smtp().send(PIPELINE.proxy()::cut, "alice@" + DOMAIN, "during outage", "during", "bob@" + DOMAIN);

        assertThat(during.code()).isEqualTo(451);
        assertThat(during.text()).contains("4.3.0");
        assertThat(PIPELINE.james().storedMessageCount()).as("no orphan blob after a refused message").isEqualTo(storedBefore);
        // The health check reads the pipeline state sampler's snapshot, taken every sampler.interval.ms; the
        // stage consumers' loss may show first ("no consumer"), the broker's a sample later.
        await().atMost(WAIT).untilAsserted(() -> {
            PipelineJames.HealthReport health = PIPELINE.james().pipelineHealth();
            assertThat(health.httpStatus()).isEqualTo(503);
            assertThat(health.json()).contains("\"status\":\"unhealthy\"").contains("SMTP answers 451");
        });

        PIPELINE.proxy().restore();
        AtomicReference<SmtpReply> after = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            after.set(PIPELINE.james().smtp().send("alice@" + DOMAIN, "after outage", "after", "bob@" + DOMAIN));
            return after.get().accepted();
        });
        // The stage consumers came back by themselves: the message is delivered without a James restart.
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == initial + 2);
        List<String> inbox = PIPELINE.james().imap().inboxMessages("bob@" + DOMAIN, PipelineJames.PASSWORD);
        assertThat(String.join("\n", inbox)).contains("before outage").contains("after outage").doesNotContain("during outage");
    }

    /** Writes to alice only, so it cannot disturb the counts of the test above, which reads bob's INBOX. */
    @Test
    void unroutableMailReceivedGives451AndLeavesNoBlob() throws Exception {
        Topology topology = PIPELINE.james().topology();
        String stageQueue = topology.stageQueue("route");
        try (BrokerTap tap = new BrokerTap(RabbitMQEndpoint.amqpUri())) {
            // First make sure James is connected: connecting declares the topology, which would restore the binding.
            assertThat(PIPELINE.james().smtp().send("bob@" + DOMAIN, "warm up", "ok", "alice@" + DOMAIN).code()).isEqualTo(250);
            long storedBefore = PIPELINE.james().storedMessageCount();
            long withdrawnBefore = PIPELINE.james().withdrawalMarkCount();
            PIPELINE.tap().unbind(stageQueue, topology.mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY);
            try {
                SmtpReply reply = PIPELINE.james().smtp().send("bob@" + DOMAIN, "nowhere to go", "unroutable", "alice@" + DOMAIN);
                assertThat(reply.code()).as(reply.text()).isEqualTo(451);
                assertThat(PIPELINE.james().storedMessageCount()).isEqualTo(storedBefore);
                // Withdrawn, not just deleted: an envelope that reached the broker all the same is then dropped by the stage.
                assertThat(PIPELINE.james().withdrawalMarkCount()).isEqualTo(withdrawnBefore + 1);
            } finally {
                PIPELINE.tap().bind(stageQueue, topology.mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY);
            }
            assertThat(PIPELINE.james().smtp().send("bob@" + DOMAIN, "routable again", "ok", "alice@" + DOMAIN).code()).isEqualTo(250);
        }
    }
}
