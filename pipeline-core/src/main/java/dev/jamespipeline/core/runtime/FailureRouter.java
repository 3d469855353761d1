package dev.jamespipeline.core.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.broker.Topology;

/**
 * Where a failed message goes: the next delay tier of its queue (a queue whose expired messages
 * flow back into the work queue) while tiers remain and the message is younger than the policy's
 * maximum age, else the work queue's dead-letter queue with the reason. Every publish is confirmed
 * before the caller acks the original.
 */
public final class FailureRouter {
    private final ConfirmedPublisher publisher;
    private final Topology topology;

    public FailureRouter(ConfirmedPublisher publisher, Topology topology) {
        this.publisher = publisher;
        this.topology = topology;
    }

    /** How long the delivery waits before its next attempt, or empty when it must be dead-lettered. */
    public static Optional<Duration> nextDelay(QueuePolicy policy, Delivery delivery, Instant now) {
        boolean tooOld = delivery.firstReceived()
            .map(first -> Duration.between(first, now).compareTo(policy.maxAge()) > 0)
            .orElse(false);
        return tooOld ? Optional.empty() : policy.delayAfter(delivery.attempt(), delivery.properties().getMessageId());
    }

    /** Why a delivery with no tier left is dead-lettered, for the dead-letter header and the DSN. */
    public static String givingUp(QueuePolicy policy, Delivery delivery, String reason) {
        int attempts = delivery.attempt() + 1;
        return policy.repeatDelays().isEmpty() && attempts > policy.retryDelays().size()
            ? "failed after " + attempts + " attempts: " + reason
            : "older than " + policy.maxAge() + " after " + attempts + " attempts: " + reason;
    }

    /** Parks the delivery for {@code delay} (its next attempt), after which the broker returns it to its work queue. */
    public void retry(String workQueue, QueuePolicy policy, Duration delay, Delivery delivery) throws PublishException {
        if (policy.uniformDelayQueues()) {
            // The queue's own TTL: every message in it waits the same, so none waits behind a longer one.
            publisher.publish("", topology.delayQueue(workQueue, delay), true, delivery.nextAttemptProperties(), delivery.body());
        } else {
            // The broker drops the expiration when it dead-letters the message back, so it applies only here.
            publisher.publish("", topology.retryQueue(workQueue, delivery.attempt()), true,
                delivery.nextAttemptProperties().builder().expiration(Long.toString(delay.toMillis())).build(), delivery.body());
        }
    }

    public void deadLetter(String workQueue, Delivery delivery, String reason) throws PublishException {
        publisher.publish(topology.deadLetterExchange(), workQueue, true,
            MessageProperties.deadLettered(delivery.properties(), workQueue, reason), delivery.body());
    }

    /** The reason recorded with a dead-lettered message: the throwable and its causes, on one line. */
    public static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
