package dev.jamespipeline.server.mailbox;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;
import javax.sql.DataSource;

import org.apache.james.lifecycle.api.Startable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.mailbox.postgres.mail.OrphanSweeper;

/**
 * Runs the mailbox's {@link OrphanSweeper} every hour on each node (a sweep is one idempotent
 * DELETE, so nodes sweeping at once do no harm): what failed appends left behind does not grow
 * without bound. The grace period is far longer than any append takes.
 */
@Singleton
public final class OrphanSweeping implements Startable {
    static final Duration INTERVAL = Duration.ofHours(1);
    static final Duration GRACE = Duration.ofHours(1);
    private static final Logger LOGGER = LoggerFactory.getLogger(OrphanSweeping.class);

    private final OrphanSweeper sweeper;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "mailbox-orphan-sweeper");
        thread.setDaemon(true);
        return thread;
    });

    @Inject
    public OrphanSweeping(DataSource dataSource) {
        this.sweeper = new OrphanSweeper(dataSource);
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::sweep, INTERVAL.toMinutes(), INTERVAL.toMinutes(), TimeUnit.MINUTES);
    }

    void sweep() {
        try {
            int deleted = sweeper.sweep(GRACE);
            if (deleted > 0) {
                LOGGER.info("Deleted {} attachment and thread rows left by failed appends", deleted);
            }
        } catch (Exception e) {
            // The next run tries again; a failure here never stops the schedule.
            LOGGER.warn("Sweeping what failed appends left behind failed", e);
        }
    }

    @PreDestroy
    public void stop() {
        scheduler.shutdownNow();
    }
}
