package dev.jamespipeline.ops.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;

import dev.jamespipeline.core.broker.FailureRouter.QueuedMessage;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;

class FirstAttemptTest {
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private final FirstAttempt firstAttempt = new FirstAttempt();

    @Test
    void aStageEnvelopeStartsAgainAtAttemptZeroAndKeepsEverythingElse() throws Exception {
        ReceivedEnvelope retried = new ReceivedEnvelope(ReceivedEnvelope.VERSION, "id-1", "example.test",
            new ReceivedEnvelope.StorageRef("k/id-1.eml", "a".repeat(64), 42), "alice@example.test",
            List.of("bob@example.test"), "192.0.2.1", "peer", null, false, Instant.parse("2024-01-02T03:04:05Z"),
            "route", Map.of("spf", "pass"), 2);

        QueuedMessage fresh = firstAttempt.of(deadLettered(Map.of()), CODEC.encode(retried));

        ReceivedEnvelope replayed = CODEC.decodeReceived(fresh.body());
        assertThat(replayed.attempt()).isZero();
        assertThat(replayed).usingRecursiveComparison().ignoringFields("attempt").isEqualTo(retried);
    }

    @Test
    void fieldsThisNodeDoesNotKnowSurviveTheReset() throws Exception {
        byte[] body = "{\"version\":1,\"attempt\":3,\"addedByANewerNode\":{\"x\":[1,2]}}".getBytes(StandardCharsets.UTF_8);

        byte[] replayed = firstAttempt.of(deadLettered(Map.of()), body).body();

        assertThat(new ObjectMapper().readTree(replayed))
            .isEqualTo(new ObjectMapper().readTree("{\"version\":1,\"attempt\":0,\"addedByANewerNode\":{\"x\":[1,2]}}"));
    }

    @Test
    void bodiesWithoutAnAttemptCountGoBackByteForByte() {
        for (String body : List.of("{not json", "", "[1,2]", "{\"attempt\":\"two\"}", "{\"attempt\":0,  \"a\":1}",
                "{\"user\":\"bob\",\"mailboxId\":\"1\"}")) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            assertThat(firstAttempt.of(deadLettered(Map.of()), bytes).body()).as(body).isSameAs(bytes);
        }
    }

    @Test
    void deadLetterHistoryAndTheAttemptHeaderAreDroppedOtherHeadersAndPropertiesKept() {
        AMQP.BasicProperties properties = deadLettered(Map.of(
            MessageProperties.DEAD_LETTER_REASON_HEADER, "stage failed",
            MessageProperties.DEAD_LETTER_QUEUE_HEADER, "pipeline.stage.route",
            MessageProperties.ATTEMPT_HEADER, 4,
            "x-death", List.of(Map.of("queue", "pipeline.stage.route.retry.0")),
            "x-first-death-reason", "expired",
            "x-delivery-count", 7,
            MessageProperties.FIRST_RECEIVED_HEADER, 1234L));

        AMQP.BasicProperties fresh = firstAttempt.of(properties, "{}".getBytes(StandardCharsets.UTF_8)).properties();

        assertThat(fresh.getHeaders()).containsExactly(Map.entry(MessageProperties.FIRST_RECEIVED_HEADER, 1234L));
        assertThat(fresh.getMessageId()).isEqualTo("id-1");
        assertThat(fresh.getDeliveryMode()).isEqualTo(2);
        assertThat(fresh.getContentType()).isEqualTo(EnvelopeCodec.CONTENT_TYPE);
    }

    private static AMQP.BasicProperties deadLettered(Map<String, Object> headers) {
        return new AMQP.BasicProperties.Builder().messageId("id-1").deliveryMode(2)
            .contentType(EnvelopeCodec.CONTENT_TYPE).headers(headers).build();
    }
}
