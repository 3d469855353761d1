package dev.jamespipeline.core.runtime;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import com.rabbitmq.client.AMQP;

import dev.jamespipeline.core.broker.MessageProperties;

/** One message as a consumer received it: what the runtime needs to settle it, and what a handler reads. */
public record Delivery(long deliveryTag, String routingKey, AMQP.BasicProperties properties, byte[] body) {

    /** Failed attempts so far: 0 the first time, counted up by each retry (header {@code x-pipeline-attempt}). */
    public int attempt() {
        Object attempt = header(MessageProperties.ATTEMPT_HEADER);
        return attempt instanceof Number number ? Math.max(0, number.intValue()) : 0;
    }

    /** When the message first entered the pipeline, if its publisher said so (header {@code x-first-received}). */
    public Optional<Instant> firstReceived() {
        Object millis = header(MessageProperties.FIRST_RECEIVED_HEADER);
        return millis instanceof Number number ? Optional.of(Instant.ofEpochMilli(number.longValue())) : Optional.empty();
    }

    /** The properties of this message's next attempt: the same, with the attempt counted up. */
    public AMQP.BasicProperties nextAttemptProperties() {
        Map<String, Object> headers = new HashMap<>();
        if (properties.getHeaders() != null) {
            headers.putAll(properties.getHeaders());
        }
        headers.put(MessageProperties.ATTEMPT_HEADER, attempt() + 1);
        return properties.builder().headers(headers).deliveryMode(2).build();
    }

    private Object header(String name) {
        return properties.getHeaders() == null ? null : properties.getHeaders().get(name);
    }
}
