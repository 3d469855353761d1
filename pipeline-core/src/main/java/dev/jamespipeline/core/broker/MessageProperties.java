package dev.jamespipeline.core.broker;

import java.time.Instant;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

import com.rabbitmq.client.AMQP;

import dev.jamespipeline.core.envelope.EnvelopeCodec;

/** AMQP properties every pipeline message carries: persistent, JSON, its pipeline id, when it first arrived. */
public final class MessageProperties {
    public static final String FIRST_RECEIVED_HEADER = "x-first-received";
    public static final String DEAD_LETTER_REASON_HEADER = "x-pipeline-dead-letter-reason";
    public static final String DEAD_LETTER_QUEUE_HEADER = "x-pipeline-dead-letter-queue";
    /** Failed attempts so far, for events whose body has no attempt count of its own (index events). */
    public static final String ATTEMPT_HEADER = "x-pipeline-attempt";
    /** Which copy of an outbound job a message is: 0 (absent) for the first, counted up by each operator's retry. */
    public static final String GENERATION_HEADER = "x-outbound-generation";
    private static final int PERSISTENT = 2;

    private MessageProperties() {
    }

    public static AMQP.BasicProperties persistentJson(String messageId, Instant firstReceived) {
        Map<String, Object> headers = new HashMap<>();
        headers.put(FIRST_RECEIVED_HEADER, firstReceived.toEpochMilli());
        return new AMQP.BasicProperties.Builder()
            .deliveryMode(PERSISTENT)
            .contentType(EnvelopeCodec.CONTENT_TYPE)
            .messageId(messageId)
            .timestamp(new Date())
            .headers(headers)
            .build();
    }

    /** The original properties, made persistent, with the reason it was dead-lettered. */
    public static AMQP.BasicProperties deadLettered(AMQP.BasicProperties original, String queue, String reason) {
        Map<String, Object> headers = new HashMap<>();
        if (original != null && original.getHeaders() != null) {
            headers.putAll(original.getHeaders());
        }
        headers.put(DEAD_LETTER_REASON_HEADER, reason);
        headers.put(DEAD_LETTER_QUEUE_HEADER, queue);
        AMQP.BasicProperties.Builder builder = original == null ? new AMQP.BasicProperties.Builder() : original.builder();
        return builder.deliveryMode(PERSISTENT).headers(headers).build();
    }
}
