package dev.jamespipeline.ops.webadmin;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.envelope.InvalidEnvelopeException;
import dev.jamespipeline.core.envelope.OutboundJob;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.InvalidStorageKeyException;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKey;

/** Reading and purging a work queue's dead-letter queue. */
final class DeadLetters {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeadLetters.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final AdminChannels channels;
    private final Topology topology;
    private final EnvelopeCodec codec;
    private final EnvelopeSigner signer;
    private final MessageStore store;

    @Inject
    DeadLetters(AdminChannels channels, Topology topology, EnvelopeCodec codec, EnvelopeSigner signer, MessageStore store) {
        this.channels = channels;
        this.topology = topology;
        this.codec = codec;
        this.signer = signer;
        this.store = store;
    }

    /**
     * Takes up to {@code limit} messages without acking them, then closes the channel, which returns
     * them all to the queue at once. Nacking each one with requeue instead would put it back at the
     * head, so the next get would return the same message again. The cost: each peeked message counts
     * one more delivery (dead-letter queues have no delivery limit) and is marked redelivered.
     */
    List<DeadLetterSummary> peek(String workQueue, int limit) throws IOException {
        List<DeadLetterSummary> summaries = new ArrayList<>();
        for (GetResponse message : take(workQueue, limit)) {
            summaries.add(summary(message));
        }
        return summaries;
    }

    /** Every managed queue's dead letters, up to {@code limit} each, with each dead-letter queue's depth. */
    List<QueueDeadLetters> all(List<String> workQueues, int limit) throws IOException {
        List<QueueDeadLetters> all = new ArrayList<>();
        for (String workQueue : workQueues) {
            String queue = topology.deadLetterQueue(workQueue);
            long depth;
            Channel channel = channels.open();
            try {
                depth = channel.messageCount(queue);
            } finally {
                AdminChannels.close(channel);
            }
            all.add(new QueueDeadLetters(workQueue, queue, depth, peek(workQueue, limit)));
        }
        return all;
    }

    /** The dead letter of that message id, looked for among the first {@code scanLimit} of the queue. */
    Optional<DeadLetterDetail> find(String workQueue, String messageId, int scanLimit) throws IOException {
        for (GetResponse message : take(workQueue, scanLimit)) {
            if (messageId.equals(message.getProps().getMessageId())) {
                return Optional.of(new DeadLetterDetail(summary(message), AmqpValues.readable(message.getProps().getHeaders()),
                    envelope(message.getBody())));
            }
        }
        return Optional.empty();
    }

    private List<GetResponse> take(String workQueue, int limit) throws IOException {
        String queue = topology.deadLetterQueue(workQueue);
        Channel channel = channels.open();
        try {
            List<GetResponse> taken = new ArrayList<>();
            while (taken.size() < limit) {
                GetResponse message = channel.basicGet(queue, false);
                if (message == null) {
                    break;
                }
                taken.add(message);
            }
            return taken;
        } finally {
            AdminChannels.close(channel);
        }
    }

    /** The body as JSON when it is JSON (anything else, a forged or broken envelope, shows as null). */
    private static JsonNode envelope(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException notJson) {
            return null;
        }
    }

    /**
     * Deletes the dead letters one by one, each after releasing the stored message it names (a stage
     * envelope's or an outbound job's), which nothing else would ever release: the store's retention
     * then deletes it. A release that fails stops the purge there; what is left stays dead-lettered.
     *
     * @return how many messages were deleted
     */
    long purge(String workQueue) throws IOException {
        String queue = topology.deadLetterQueue(workQueue);
        Channel channel = channels.open();
        try {
            long purged = 0;
            for (GetResponse message = channel.basicGet(queue, false); message != null; message = channel.basicGet(queue, false)) {
                Optional<StorageKey> stored = storedMessageOf(message);
                if (stored.isPresent()) {
                    store.release(stored.get());
                }
                channel.basicAck(message.getEnvelope().getDeliveryTag(), false);
                purged++;
            }
            LOGGER.warn("Purged {} dead-lettered messages from {} on an operator's request", purged, queue);
            return purged;
        } finally {
            AdminChannels.close(channel);
        }
    }

    /**
     * By the AMQP type every pipeline event carries. Only a dead letter the pipeline signed names a message
     * to release: a forged envelope (dead-lettered for its signature) could name another message in flight.
     */
    private Optional<StorageKey> storedMessageOf(GetResponse message) {
        try {
            signer.verify(message.getProps(), message.getBody());
            String type = message.getProps().getType();
            if (ReceivedEnvelope.ROUTING_KEY.equals(type)) {
                return Optional.of(new StorageKey(codec.decodeReceived(message.getBody()).storage().key()));
            }
            if (OutboundJob.ROUTING_KEY.equals(type)) {
                return Optional.of(new StorageKey(codec.decodeOutbound(message.getBody()).storage().key()));
            }
        } catch (InvalidEnvelopeException | InvalidStorageKeyException e) {
            LOGGER.info("Dead letter {} names no stored message we could release: {}", message.getProps().getMessageId(),
                e.getMessage());
        }
        return Optional.empty();
    }

    private static DeadLetterSummary summary(GetResponse message) {
        AMQP.BasicProperties properties = message.getProps();
        Map<String, Object> headers = properties.getHeaders() == null ? Map.of() : properties.getHeaders();
        Object from = headers.get(MessageProperties.DEAD_LETTER_QUEUE_HEADER);
        Object attempts = headers.get(MessageProperties.ATTEMPT_HEADER);
        return new DeadLetterSummary(properties.getMessageId(), reason(properties.getHeaders()),
            from == null ? null : from.toString(),
            headers.get(MessageProperties.FIRST_RECEIVED_HEADER) instanceof Number first ? Instant.ofEpochMilli(first.longValue()) : null,
            properties.getTimestamp() == null ? null : properties.getTimestamp().toInstant(), message.getBody().length,
            attempts instanceof Number count ? count.intValue() : null, AmqpValues.deaths(headers.get("x-death")));
    }

    /** Ours when a consumer dead-lettered it; the broker's when a delivery limit did. */
    private static String reason(Map<String, Object> headers) {
        if (headers == null) {
            return null;
        }
        Object ours = headers.get(MessageProperties.DEAD_LETTER_REASON_HEADER);
        if (ours != null) {
            return ours.toString();
        }
        Object broker = headers.get("x-first-death-reason");
        return broker == null ? null
            : "dead-lettered by RabbitMQ (" + broker + ") from " + headers.get("x-first-death-queue");
    }
}
