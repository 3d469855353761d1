package dev.jamespipeline.ops.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.rabbitmq.client.AMQP;

import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.envelope.EnvelopeCodec;

class FirstAttemptTest {
    private final FirstAttempt firstAttempt = new FirstAttempt();

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

        AMQP.BasicProperties fresh = firstAttempt.of(properties);

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
