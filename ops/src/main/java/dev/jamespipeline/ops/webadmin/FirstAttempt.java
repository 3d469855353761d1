package dev.jamespipeline.ops.webadmin;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import com.rabbitmq.client.AMQP;

import dev.jamespipeline.core.broker.MessageProperties;

/**
 * Turns a dead letter's properties back into those its work queue first received, so a replay
 * gets the whole retry schedule again and carries no trace of why it was dead-lettered. The body
 * is never touched (attempts are counted in a header), and everything else is kept: message id,
 * {@code x-first-received}, any signature over the body.
 */
final class FirstAttempt {
    /**
     * Our dead-letter headers, the attempt header, and the broker's own dead-letter history: the
     * retry tiers are delay queues, so every retried message carries {@code x-death} entries from
     * them, and a quorum dead-letter queue adds {@code x-delivery-count} each time a peek returns it.
     */
    private static final Set<String> DEAD_LETTER_HEADERS = Set.of(
        MessageProperties.DEAD_LETTER_REASON_HEADER, MessageProperties.DEAD_LETTER_QUEUE_HEADER, MessageProperties.ATTEMPT_HEADER,
        "x-death", "x-first-death-exchange", "x-first-death-queue", "x-first-death-reason", "x-delivery-count");

    AMQP.BasicProperties of(AMQP.BasicProperties deadLettered) {
        Map<String, Object> headers = new HashMap<>();
        if (deadLettered.getHeaders() != null) {
            headers.putAll(deadLettered.getHeaders());
        }
        headers.keySet().removeAll(DEAD_LETTER_HEADERS);
        return deadLettered.builder().headers(headers).build();
    }
}
