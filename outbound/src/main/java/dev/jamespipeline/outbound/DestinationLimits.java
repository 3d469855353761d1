package dev.jamespipeline.outbound;

import java.util.HashMap;
import java.util.Map;

/**
 * At most {@code perDestination} SMTP transactions to one destination domain at once on this node
 * (the node's total is its number of outbound consumers). A destination's count exists only while
 * something is in flight to it, so a flood of distinct domains leaves nothing behind.
 */
final class DestinationLimits {
    private final int perDestination;
    private final Map<String, Integer> inFlight = new HashMap<>();

    DestinationLimits(int perDestination) {
        this.perDestination = perDestination;
    }

    /** Waits for a slot of {@code domain}; release it with {@link #release}. */
    synchronized void acquire(String domain) throws InterruptedException {
        while (inFlight.getOrDefault(domain, 0) >= perDestination) {
            wait();
        }
        inFlight.merge(domain, 1, Integer::sum);
    }

    synchronized void release(String domain) {
        inFlight.computeIfPresent(domain, (key, count) -> count > 1 ? count - 1 : null);
        notifyAll();
    }

    synchronized int inFlight(String domain) {
        return inFlight.getOrDefault(domain, 0);
    }
}
