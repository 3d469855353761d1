package dev.jamespipeline.ops.webadmin;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AMQP;

import dev.jamespipeline.core.broker.FailureRouter.QueuedMessage;
import dev.jamespipeline.core.broker.MessageProperties;

/**
 * Turns a dead letter back into the message its work queue first received, so a replay gets the
 * whole retry schedule again and carries no trace of why it was dead-lettered. Everything else
 * (message id, {@code x-first-received}, the rest of the body) is kept.
 */
final class FirstAttempt {
    /** Where the index consumer counts its attempts: its events have no attempt field of their own. */
    /** Stage envelopes and outbound jobs count their attempts in this body field. */
    static final String ATTEMPT_FIELD = "attempt";

    /**
     * Our dead-letter headers, the attempt header, and the broker's own dead-letter history: the
     * retry tiers are delay queues, so every retried message carries {@code x-death} entries from
     * them, and a quorum dead-letter queue adds {@code x-delivery-count} each time a peek returns it.
     */
    private static final Set<String> DEAD_LETTER_HEADERS = Set.of(
        MessageProperties.DEAD_LETTER_REASON_HEADER, MessageProperties.DEAD_LETTER_QUEUE_HEADER, MessageProperties.ATTEMPT_HEADER,
        "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason", "x-delivery-count");

    private final ObjectMapper mapper = new ObjectMapper();

    QueuedMessage of(AMQP.BasicProperties deadLettered, byte[] body) {
        Map<String, Object> headers = new HashMap<>();
        if (deadLettered.getHeaders() != null) {
            headers.putAll(deadLettered.getHeaders());
        }
        headers.keySet().removeAll(DEAD_LETTER_HEADERS);
        return new QueuedMessage(deadLettered.builder().headers(headers).build(), withAttemptZero(body));
    }

    /**
     * Edits the JSON tree rather than decoding an envelope: fields this node does not know survive, and
     * a body that is not a JSON object with an attempt count goes back byte for byte, so the consumer
     * dead-letters it again with its reason instead of the replay losing or "repairing" it.
     */
    private byte[] withAttemptZero(byte[] body) {
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (IOException notJson) {
            return body;
        }
        if (!(tree instanceof ObjectNode object) || !object.path(ATTEMPT_FIELD).isIntegralNumber()
                || object.get(ATTEMPT_FIELD).asLong() == 0) {
            return body;
        }
        object.put(ATTEMPT_FIELD, 0);
        try {
            return mapper.writeValueAsBytes(object);
        } catch (IOException e) {
            throw new IllegalStateException("re-serialising a parsed JSON tree failed", e);
        }
    }
}
