package dev.jamespipeline.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Follows the sink's arrivals, sampled by the caller: how many arrived since the watch began, when the first and
 * the last arrived, and how many in each second since the first.
 */
final class ArrivalWatch {
    private final SinkArrivals sink;
    private final long baseline;
    private final List<Long> perSecond = new ArrayList<>();
    private long arrived;
    private long counted;
    private long firstNanos;
    private long lastNanos;

    ArrivalWatch(SinkArrivals sink) throws IOException {
        this.sink = sink;
        this.baseline = sink.count();
    }

    void sample() throws IOException {
        long now = System.nanoTime();
        long count = sink.count() - baseline;
        if (count > arrived) {
            if (arrived == 0) {
                firstNanos = now;
            }
            arrived = count;
            lastNanos = now;
        }
        while (firstNanos > 0 && (now - firstNanos) / 1_000_000_000L >= perSecond.size() + 1) {
            perSecond.add(arrived - counted);
            counted = arrived;
        }
    }

    long arrived() {
        return arrived;
    }

    /** The time of the first arrival (System.nanoTime), 0 before it. */
    long firstNanos() {
        return firstNanos;
    }

    long lastNanos() {
        return lastNanos;
    }

    List<Long> perSecond() {
        return List.copyOf(perSecond);
    }
}
