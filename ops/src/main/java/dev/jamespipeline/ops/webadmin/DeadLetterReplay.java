package dev.jamespipeline.ops.webadmin;

import java.io.IOException;
import java.util.Optional;

import javax.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;

import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.broker.Topology;

/**
 * Moves dead letters back into their work queue, one at a time: take it without ack, publish it
 * (confirmed, mandatory) as a {@link FirstAttempt}, then ack it. A failure between the confirm and
 * the ack leaves it in both queues, a duplicate the consumers' idempotency absorbs; never in neither.
 */
final class DeadLetterReplay {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeadLetterReplay.class);

    private final AdminChannels channels;
    private final Topology topology;
    private final ConfirmedPublisher publisher;
    private final FirstAttempt firstAttempt = new FirstAttempt();

    @Inject
    DeadLetterReplay(AdminChannels channels, Topology topology, ConfirmedPublisher publisher) {
        this.channels = channels;
        this.topology = topology;
        this.publisher = publisher;
    }

    /**
     * Moves up to {@code limit} of the dead letters present now back to {@code workQueue}; with
     * {@code messageId}, only that one (the others looked at stay where they are).
     *
     * @param progress told after each message moved
     */
    ReplayResult replay(String workQueue, int limit, Optional<String> messageId, Runnable progress)
            throws IOException, ReplayStoppedException {
        String deadLetters = topology.deadLetterQueue(workQueue);
        Channel channel = channels.open();
        try {
            // Only what is there now: a replayed message that fails again comes back to this queue, and
            // must wait for the operator rather than go round in a loop.
            long present = channel.messageCount(deadLetters);
            long replayed = moveBack(channel, workQueue, present, messageId.isPresent() ? 1 : limit, messageId, progress);
            // Messages looked at but not moved go back to the queue with the channel.
            AdminChannels.close(channel);
            long remaining = messageCount(deadLetters);
            LOGGER.info("Replayed {} messages from {} to {}{}; {} remain", replayed, deadLetters, workQueue,
                messageId.map(id -> " (message " + id + ")").orElse(""), remaining);
            return new ReplayResult(replayed, remaining);
        } finally {
            AdminChannels.close(channel);
        }
    }

    private long messageCount(String queue) throws IOException {
        Channel channel = channels.open();
        try {
            return channel.messageCount(queue);
        } finally {
            AdminChannels.close(channel);
        }
    }

    /**
     * Looks at up to {@code present} messages and moves those {@code messageId} selects (all when empty),
     * at most {@code limit}.
     *
     * @return how many were moved: fewer if something else emptied the queue meanwhile
     */
    private long moveBack(Channel channel, String workQueue, long present, long limit, Optional<String> messageId,
                          Runnable progress) throws ReplayStoppedException {
        String deadLetters = topology.deadLetterQueue(workQueue);
        long replayed = 0;
        try {
            for (long looked = 0; looked < present && replayed < limit; looked++) {
                GetResponse message = channel.basicGet(deadLetters, false);
                if (message == null) {
                    break;
                }
                if (messageId.isPresent() && !messageId.get().equals(message.getProps().getMessageId())) {
                    continue;
                }
                long deliveryTag = message.getEnvelope().getDeliveryTag();
                AMQP.BasicProperties fresh = firstAttempt.of(message.getProps());
                try {
                    // The default exchange routes to the queue of that name: the work queue itself, not
                    // every queue bound where the message first came from.
                    publisher.publish("", workQueue, true, fresh, message.getBody());
                } catch (PublishException e) {
                    channel.basicNack(deliveryTag, false, true);
                    throw new ReplayStoppedException("Replayed " + replayed + " messages from " + deadLetters + " to "
                        + workQueue + ", then publishing message " + message.getProps().getMessageId() + " failed: "
                        + e.getMessage() + ". It and the rest stay in " + deadLetters, e);
                }
                channel.basicAck(deliveryTag, false);
                replayed++;
                progress.run();
            }
            return replayed;
        } catch (IOException | ShutdownSignalException e) {
            throw new ReplayStoppedException("Replayed " + replayed + " messages from " + deadLetters + " to "
                + workQueue + ", then lost the channel to RabbitMQ (" + e.getMessage() + "). The message being moved"
                + " may now be in both queues, which is harmless; the rest stay in " + deadLetters, e);
        }
    }
}
