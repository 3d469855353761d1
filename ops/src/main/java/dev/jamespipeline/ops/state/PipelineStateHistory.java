package dev.jamespipeline.ops.state;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sampler's snapshots of the last {@link #WINDOW}, in memory, for the live page's charts: it keeps
 * each new snapshot the sampler has made, looking twice per sampling interval (at the default 2 s
 * interval, 300 snapshots). Nothing here reads the broker.
 */
@Singleton
public class PipelineStateHistory implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(PipelineStateHistory.class);
    public static final Duration WINDOW = Duration.ofMinutes(10);

    private final PipelineStateSampler sampler;
    private final StateWindow window = new StateWindow(WINDOW);
    private ScheduledExecutorService schedule;

    @Inject
    public PipelineStateHistory(PipelineStateSampler sampler) {
        this.sampler = sampler;
    }

    public synchronized void start() {
        if (schedule != null) {
            return;
        }
        schedule = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "james-pipeline-state-history");
            thread.setDaemon(true);
            return thread;
        });
        long period = Math.max(1, sampler.current().interval().toMillis() / 2);
        schedule.scheduleWithFixedDelay(this::keepCurrent, 0, period, TimeUnit.MILLISECONDS);
    }

    private void keepCurrent() {
        try {
            window.keep(sampler.current());
        } catch (RuntimeException e) {
            // The schedule would stop for good on an exception.
            LOGGER.warn("Keeping the pipeline state for the live page failed", e);
        }
    }

    /** Oldest first. */
    public List<PipelineState> window() {
        return window.states();
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
            schedule = null;
        }
    }
}
