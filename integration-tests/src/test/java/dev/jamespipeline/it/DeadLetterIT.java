package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.core.Username;
import org.apache.james.modules.QuotaProbesImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.StoredBlob;

/** Bad input and persistent failures end in the stage's dead-letter queue with a reason, and the queue keeps moving. */
class DeadLetterIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob", "full")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.RETRY_DELAYS, "200,400");

    @Test
    void aBodyThatIsNotJsonIsDeadLetteredWithItsReason() throws Exception {
        ReceivedEvents.publishRaw(PIPELINE.james(), PIPELINE.tap(), "garbage-1", "{not json".getBytes(StandardCharsets.UTF_8));

        GetResponse dead = deadLetterFor("garbage-1");
        assertThat(reason(dead)).startsWith("invalid envelope: body is not JSON");
        assertThat(new String(dead.getBody(), StandardCharsets.UTF_8)).isEqualTo("{not json");
    }

    @Test
    void theHealthCheckIsDegradedWhileADeadLetterQueueHoldsMessages() throws Exception {
        ReceivedEvents.publishRaw(PIPELINE.james(), PIPELINE.tap(), "garbage-for-health", "not json either".getBytes(StandardCharsets.UTF_8));
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> PIPELINE.tap().readyCount(deadLetters()) > 0);

        // The health check reads the pipeline state sampler's snapshot, taken every sampler.interval.ms.
        await().atMost(WAIT).until(() -> PIPELINE.james().pipelineHealth().json().contains(deadLetters()));
        PipelineJames.HealthReport health = PIPELINE.james().pipelineHealth();

        assertThat(health.httpStatus()).isEqualTo(200);
        assertThat(health.json()).contains("\"status\":\"degraded\"").contains(deadLetters());
    }

    @Test
    void anUnknownEnvelopeVersionIsDeadLetteredWithItsReason() throws Exception {
        ReceivedEvents.publishRaw(PIPELINE.james(), PIPELINE.tap(), "version-2", "{\"version\":2,\"pipelineId\":\"x\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(reason(deadLetterFor("version-2"))).contains("unsupported ReceivedEnvelope version 2");
    }

    @Test
    void aStorageKeyThatEscapesTheStoreIsDeadLetteredNotOpened() throws Exception {
        ReceivedEnvelope hostile = new ReceivedEnvelope(ReceivedEnvelope.VERSION, "hostile-key", DOMAIN,
            new ReceivedEnvelope.StorageRef("../../../../etc/passwd", "0".repeat(64), 10), "alice@" + DOMAIN,
            List.of("bob@" + DOMAIN), null, null, null, false, Instant.now(), "route", Map.of());
        ReceivedEvents.publishRaw(PIPELINE.james(), PIPELINE.tap(), "hostile-key", CODEC.encode(hostile));

        assertThat(reason(deadLetterFor("hostile-key"))).contains("storage.key is invalid");
    }

    @Test
    void aStoredMessageThatDoesNotMatchItsDigestIsRetriedThenDeadLettered() throws Exception {
        ReceivedEnvelope good = ReceivedEvents.publish(PIPELINE.james(), PIPELINE.tap(), "alice@" + DOMAIN, List.of("bob@" + DOMAIN),
            ReceivedEvents.message("alice@" + DOMAIN, "bob@" + DOMAIN, "fine", "delivered"));
        ReceivedEnvelope corrupt = new ReceivedEnvelope(ReceivedEnvelope.VERSION, "corrupt-digest", DOMAIN,
            new ReceivedEnvelope.StorageRef(good.storage().key(), "f".repeat(64), good.storage().size()),
            "alice@" + DOMAIN, List.of("bob@" + DOMAIN), null, null, null, false, Instant.now(), "route", Map.of());
        ReceivedEvents.publishRaw(PIPELINE.james(), PIPELINE.tap(), "corrupt-digest", CODEC.encode(corrupt));

        GetResponse dead = deadLetterFor("corrupt-digest");
        assertThat(reason(dead)).contains("failed after 3 attempts: CorruptBlobException").contains("sha256");
        assertThat(dead.getProps().getHeaders()).as("two retries happened first").containsEntry(MessageProperties.ATTEMPT_HEADER, 2);
    }

    /**
     * What a confirm lost with the connection leaves (seen in the fault harness's RabbitMQ restart):
     * mail.received reached the broker, but the ingest withdrew the stored copy and answered 451, and
     * the client sends the message again. The stage drops that envelope instead of retrying it into
     * the dead-letter queue as a missing message.
     */
    @Test
    void anEnvelopeWhoseStoredCopyWasWithdrawnAtIngestIsDroppedNotDeadLettered() throws Exception {
        String pipelineId = PipelineIds.next();
        StoredBlob blob = ReceivedEvents.store(PIPELINE.james(), pipelineId,
            ReceivedEvents.message("alice@" + DOMAIN, "bob@" + DOMAIN, "withdrawn at ingest", "answered 451"));
        PIPELINE.james().store().withdraw(blob.key());
        ReceivedEvents.publishRaw(PIPELINE.james(), PIPELINE.tap(), pipelineId,
            CODEC.encode(ReceivedEvents.envelope(PIPELINE.james(), pipelineId, blob, "alice@" + DOMAIN, List.of("bob@" + DOMAIN))));
        ReceivedEvents.publish(PIPELINE.james(), PIPELINE.tap(), "alice@" + DOMAIN, List.of("bob@" + DOMAIN),
            ReceivedEvents.message("alice@" + DOMAIN, "bob@" + DOMAIN, "sent again", "after the 451"));

        await().atMost(WAIT).until(() -> String.join("\n", PIPELINE.james().imap().inboxMessages("bob@" + DOMAIN, PipelineJames.PASSWORD))
            .contains("sent again"));
        // Longer than the retries (200 ms, 400 ms) that would dead-letter it without the withdrawal mark.
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).until(() -> !deadLettered(pipelineId));
        assertThat(String.join("\n", PIPELINE.james().imap().inboxMessages("bob@" + DOMAIN, PipelineJames.PASSWORD)))
            .doesNotContain("withdrawn at ingest");
    }

    @Test
    void aFailingLocalDeliveryIsRetriedThenDeadLetteredAndOtherMailKeepsFlowing() throws Exception {
        QuotaProbesImpl quota = PIPELINE.james().server().getProbe(QuotaProbesImpl.class);
        quota.setMaxMessageCount(quota.getQuotaRoot(MailboxPath.inbox(Username.of("full@" + DOMAIN))), QuotaCountLimit.count(0));

        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "no room", "over quota", "full@" + DOMAIN);
        SmtpReply other = PIPELINE.james().smtp().send("alice@" + DOMAIN, "room", "for alice", "alice@" + DOMAIN);

        GetResponse dead = deadLetterFor(reply.pipelineId());
        assertThat(reason(dead)).contains("failed after 3 attempts: ").containsIgnoringCase("quota");
        assertThat(other.accepted()).isTrue();
        assertThat(PIPELINE.james().imap().inboxCount("alice@" + DOMAIN, PipelineJames.PASSWORD)).isGreaterThanOrEqualTo(1);
    }

    private static String deadLetters() {
        return PIPELINE.james().topology().deadLetterQueue(PIPELINE.james().topology().stageQueue("route"));
    }

    /** Whether a dead letter for the message is there; the others taken are kept for their tests. */
    private static boolean deadLettered(String messageId) throws Exception {
        for (GetResponse response : PIPELINE.tap().drain(deadLetters())) {
            SKIPPED.add(response);
        }
        return SKIPPED.stream().anyMatch(response -> messageId.equals(response.getProps().getMessageId()));
    }

    private static GetResponse deadLetterFor(String messageId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (GetResponse response : PIPELINE.tap().drain(deadLetters())) {
                if (messageId.equals(response.getProps().getMessageId())) {
                    return response;
                }
                SKIPPED.add(response);
            }
            for (GetResponse skipped : List.copyOf(SKIPPED)) {
                if (messageId.equals(skipped.getProps().getMessageId())) {
                    SKIPPED.remove(skipped);
                    return skipped;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no dead letter for " + messageId + " within " + WAIT);
    }

    /** Dead letters taken from the queue while looking for another test's one. */
    private static final List<GetResponse> SKIPPED = new java.util.concurrent.CopyOnWriteArrayList<>();

    private static String reason(GetResponse response) {
        return String.valueOf(response.getProps().getHeaders().get(MessageProperties.DEAD_LETTER_REASON_HEADER));
    }
}
