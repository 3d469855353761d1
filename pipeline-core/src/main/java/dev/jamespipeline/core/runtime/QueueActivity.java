package dev.jamespipeline.core.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the consumers of one queue did last, for the health check. AMQP cannot tell the age of a
 * queue's oldest message without taking it, so the age is judged from what consumers see: how
 * long ago a first attempt they picked up had entered the pipeline, and how long ago they last
 * settled anything.
 */
public final class QueueActivity {
    private final AtomicReference<Instant> lastSettled;
    private final AtomicReference<Duration> lastPickupAge = new AtomicReference<>(Duration.ZERO);
    private final AtomicLong settledCount = new AtomicLong();

    public QueueActivity(Instant createdAt) {
        this.lastSettled = new AtomicReference<>(createdAt);
    }

    void pickedUp(Delivery delivery, Instant now) {
        // Retries are old by design (they waited in a delay tier): only first attempts measure lag.
        if (delivery.attempt() == 0) {
            delivery.firstReceived().ifPresent(first -> lastPickupAge.set(Duration.between(first, now)));
        }
    }

    void settled(Instant now) {
        lastSettled.set(now);
        settledCount.incrementAndGet();
    }

    /** Deliveries this node's consumers settled (acked after their outcome was durable) since start, for an ack rate. */
    public long settledCount() {
        return settledCount.get();
    }

    public Instant lastSettled() {
        return lastSettled.get();
    }

    /** How long the newest first attempt taken had waited since it entered the pipeline. */
    public Duration lastPickupAge() {
        return lastPickupAge.get();
    }

    /**
     * @param ready messages waiting in the queue now
     * @return why the queue is behind, or empty when it keeps up
     */
    public Optional<String> behind(long ready, Duration alarm, Instant now) {
        if (ready == 0) {
            return Optional.empty();
        }
        Duration idle = Duration.between(lastSettled.get(), now);
        if (idle.compareTo(alarm) > 0) {
            return Optional.of(ready + " messages waiting and none settled for " + idle.toSeconds() + " s");
        }
        Duration age = lastPickupAge.get();
        if (age.compareTo(alarm) > 0) {
            return Optional.of(ready + " messages waiting; the last one taken had waited " + age.toSeconds() + " s");
        }
        return Optional.empty();
    }
}
