package dev.jamespipeline.core.broker;

import java.time.Duration;
import java.util.List;

import com.rabbitmq.client.AMQP;

/**
 * Where a message goes when its work failed: the next retry tier (a delay queue whose expired
 * messages flow back into the work queue) while tiers remain, then the work queue's dead-letter
 * queue with the reason. Both publishes are confirmed before the original is acked.
 */
public final class FailureRouter {
    private final ConfirmedPublisher publisher;
    private final Topology topology;
    private final List<Duration> retryDelays;

    public FailureRouter(ConfirmedPublisher publisher, Topology topology, List<Duration> retryDelays) {
        this.publisher = publisher;
        this.topology = topology;
        this.retryDelays = List.copyOf(retryDelays);
    }

    /**
     * @param failedAttempts how many times the message failed before this failure (0 the first time)
     * @param original       the message as it arrived, dead-lettered unchanged when no tier remains
     * @param retry          the message to re-queue, carrying {@code failedAttempts + 1}
     * @return a line for the log saying where the message went
     */
    public String failed(String workQueue, int failedAttempts, QueuedMessage original, QueuedMessage retry,
                         String reason) throws PublishException {
        if (failedAttempts < retryDelays.size()) {
            publisher.publish("", topology.retryQueue(workQueue, failedAttempts), true,
                retry.properties().builder().deliveryMode(2).build(), retry.body());
            return "retry " + (failedAttempts + 1) + "/" + retryDelays.size() + " in "
                + retryDelays.get(failedAttempts).toMillis() + " ms";
        }
        deadLetter(workQueue, original, "failed after " + (failedAttempts + 1) + " attempts: " + reason);
        return "dead-lettered after " + (failedAttempts + 1) + " attempts";
    }

    public void deadLetter(String workQueue, QueuedMessage message, String reason) throws PublishException {
        publisher.publish(topology.deadLetterExchange(), workQueue, true,
            MessageProperties.deadLettered(message.properties(), workQueue, reason), message.body());
    }

    /** The reason recorded with a dead-lettered message: the exception and its causes, on one line. */
    public static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    /** An AMQP message as consumed or about to be published. */
    public record QueuedMessage(AMQP.BasicProperties properties, byte[] body) {
    }
}
