package dev.jamespipeline.ops.webadmin;

import java.io.IOException;

import javax.inject.Inject;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.GetResponse;
import com.rabbitmq.client.ShutdownSignalException;

import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.FailureRouter.QueuedMessage;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeSigner;

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
    private final EnvelopeSigner signer;
    private final FirstAttempt firstAttempt = new FirstAttempt();

    @Inject
    DeadLetterReplay(AdminChannels channels, Topology topology, ConfirmedPublisher publisher, EnvelopeSigner signer) {
        this.channels = channels;
        this.topology = topology;
        this.publisher = publisher;
        this.signer = signer;
    }

    ReplayResult replay(String workQueue, int limit) throws IOException, ReplayStoppedException {
        String deadLetters = topology.deadLetterQueue(workQueue);
        Channel channel = channels.open();
        try {
            // Only what is there now: a replayed message that fails again comes back to this queue, and
            // must wait for the operator rather than go round in a loop.
            long present = Math.min(limit, channel.messageCount(deadLetters));
            long replayed = moveBack(channel, workQueue, present);
            long remaining = channel.messageCount(deadLetters);
            LOGGER.info("Replayed {} messages from {} to {}; {} remain", replayed, deadLetters, workQueue, remaining);
            return new ReplayResult(replayed, remaining);
        } finally {
            AdminChannels.close(channel);
        }
    }

    /** @return how many were moved: {@code count}, or fewer if something else emptied the queue meanwhile */
    private long moveBack(Channel channel, String workQueue, long count) throws ReplayStoppedException {
        String deadLetters = topology.deadLetterQueue(workQueue);
        long replayed = 0;
        try {
            while (replayed < count) {
                GetResponse message = channel.basicGet(deadLetters, false);
                if (message == null) {
                    break;
                }
                long deliveryTag = message.getEnvelope().getDeliveryTag();
                QueuedMessage fresh = firstAttempt.of(message.getProps(), message.getBody());
                // Resetting the attempt count rewrites the body: signed again, but only if it was valid.
                AMQP.BasicProperties properties = signer.resignRewrite(message.getProps(), message.getBody(),
                    fresh.properties(), fresh.body());
                try {
                    // The default exchange routes to the queue of that name: the work queue itself, not
                    // every queue bound where the message first came from.
                    publisher.publish("", workQueue, true, properties, fresh.body());
                } catch (PublishException e) {
                    channel.basicNack(deliveryTag, false, true);
                    throw new ReplayStoppedException("Replayed " + replayed + " messages from " + deadLetters + " to "
                        + workQueue + ", then publishing message " + message.getProps().getMessageId() + " failed: "
                        + e.getMessage() + ". It and the rest stay in " + deadLetters, e);
                }
                channel.basicAck(deliveryTag, false);
                replayed++;
            }
            return replayed;
        } catch (IOException | ShutdownSignalException e) {
            throw new ReplayStoppedException("Replayed " + replayed + " messages from " + deadLetters + " to "
                + workQueue + ", then lost the channel to RabbitMQ (" + e.getMessage() + "). The message being moved"
                + " may now be in both queues, which is harmless; the rest stay in " + deadLetters, e);
        }
    }
}
