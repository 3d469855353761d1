package dev.jamespipeline.core.runtime;

import java.util.List;

/**
 * The work one queue's consumers do. The runtime calls it with up to {@code batchSize} deliveries
 * at a time, on a thread of its own, and settles each delivery by the outcome returned for it.
 * Anything thrown, {@code Error}s included, fails every delivery of that call: they are retried
 * per the queue's policy, and no consumer stops.
 */
public interface WorkHandler {

    /** @return one outcome per delivery, in the same order */
    List<Outcome> handle(List<Delivery> batch) throws Exception;

    /**
     * Called once for a delivery that is about to be dead-lettered (retries exhausted, too old, or
     * rejected), before the dead-letter publish; a failure here leaves the delivery in its queue to be
     * tried again, so it must be idempotent (a DSN to the sender, for example).
     */
    default void beforeDeadLetter(Delivery delivery, String reason) throws Exception {
    }

    /** How many deliveries one call takes at most, and how long the runtime waits to fill a batch. */
    default Batching batching() {
        return Batching.ONE_AT_A_TIME;
    }

    record Batching(int maxSize, java.time.Duration linger) {
        public static final Batching ONE_AT_A_TIME = new Batching(1, java.time.Duration.ZERO);
    }
}
