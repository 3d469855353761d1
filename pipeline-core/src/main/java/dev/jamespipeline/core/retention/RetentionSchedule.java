package dev.jamespipeline.core.retention;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.runtime.BackgroundTasks;

/**
 * Runs a retention sweep every {@code retention.sweep.interval.ms} on a thread of its own, logging
 * what each sweep deleted. A failed sweep is logged and the next one tries again: what it missed is
 * still expired then.
 */
public final class RetentionSchedule implements BackgroundTasks {
    private static final Logger LOGGER = LoggerFactory.getLogger(RetentionSchedule.class);

    /** One pass over a backend's state; returns what it deleted. */
    public interface Sweep {
        Swept sweep() throws Exception;
    }

    /** What one sweep deleted, printed by {@link #toString()}. */
    public interface Swept {
        long total();
    }

    private final String name;
    private final Sweep sweep;
    private final Duration interval;
    private final ScheduledExecutorService schedule;

    /** {@code name} names the thread and the log lines ("file store", "PostgreSQL state"). */
    public RetentionSchedule(String name, Sweep sweep, Duration interval) {
        this.name = name;
        this.sweep = sweep;
        this.interval = interval;
        this.schedule = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "pipeline-retention-" + name.replace(' ', '-'));
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void start() {
        schedule.scheduleWithFixedDelay(this::sweepAndLog, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void sweepAndLog() {
        try {
            Swept swept = sweep.sweep();
            if (swept.total() > 0) {
                LOGGER.info("Retention ({}): deleted {}", name, swept);
            }
        } catch (Exception e) {
            LOGGER.warn("Retention sweep of the {} failed, trying again at the next one: {}", name, e.toString());
        }
    }

    @Override
    public void close() {
        schedule.shutdownNow();
    }
}
