package dev.jamespipeline.ops.webadmin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.Topology;

/** Reading and purging a work queue's dead-letter queue. */
final class DeadLetters {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeadLetters.class);

    private final AdminChannels channels;
    private final Topology topology;

    @Inject
    DeadLetters(AdminChannels channels, Topology topology) {
        this.channels = channels;
        this.topology = topology;
    }

    /**
     * Takes up to {@code limit} messages without acking them, then closes the channel, which returns
     * them all to the queue at once. Nacking each one with requeue instead would put it back at the
     * head, so the next get would return the same message again. The cost: each peeked message counts
     * one more delivery (dead-letter queues have no delivery limit) and is marked redelivered.
     */
    List<DeadLetterSummary> peek(String workQueue, int limit) throws IOException {
        String queue = topology.deadLetterQueue(workQueue);
        Channel channel = channels.open();
        try {
            List<DeadLetterSummary> summaries = new ArrayList<>();
            while (summaries.size() < limit) {
                GetResponse message = channel.basicGet(queue, false);
                if (message == null) {
                    break;
                }
                summaries.add(summary(message));
            }
            return summaries;
        } finally {
            AdminChannels.close(channel);
        }
    }

    /** @return how many messages were deleted */
    long purge(String workQueue) throws IOException {
        String queue = topology.deadLetterQueue(workQueue);
        Channel channel = channels.open();
        try {
            long purged = channel.queuePurge(queue).getMessageCount();
            LOGGER.warn("Purged {} dead-lettered messages from {} on an operator's request", purged, queue);
            return purged;
        } finally {
            AdminChannels.close(channel);
        }
    }

    private static DeadLetterSummary summary(GetResponse message) {
        AMQP.BasicProperties properties = message.getProps();
        return new DeadLetterSummary(properties.getMessageId(), reason(properties.getHeaders()),
            properties.getTimestamp() == null ? null : properties.getTimestamp().toInstant(), message.getBody().length);
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
