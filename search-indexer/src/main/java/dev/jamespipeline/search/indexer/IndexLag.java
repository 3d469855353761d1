package dev.jamespipeline.search.indexer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.inject.Singleton;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.MetricRegistry;
import com.codahale.metrics.SlidingTimeWindowArrayReservoir;
import com.codahale.metrics.Snapshot;

/**
 * Index lag: from a message's delivery to the moment its document is written, i.e. searchable
 * once OpenSearch refreshes (1 s by default). Kept over a sliding five-minute window in James's
 * metric registry as {@value #METRIC}, so WebAdmin's {@code /metrics} exposes it too.
 */
@Singleton
public class IndexLag {
    public static final String METRIC = "pipeline.index.lag.ms";

    private final Histogram histogram;

    @Inject
    public IndexLag(MetricRegistry registry) {
        this.histogram = registry.histogram(METRIC,
            () -> new Histogram(new SlidingTimeWindowArrayReservoir(5, TimeUnit.MINUTES)));
    }

    void record(Duration lag) {
        histogram.update(Math.max(0, lag.toMillis()));
    }

    /** @return count, p50 and p99 in milliseconds over the last five minutes */
    public LagSummary summary() {
        Snapshot snapshot = histogram.getSnapshot();
        return new LagSummary(snapshot.size(), snapshot.getMedian(), snapshot.get99thPercentile(), snapshot.getMax());
    }

    public record LagSummary(long samples, double p50Millis, double p99Millis, long maxMillis) {
    }
}
