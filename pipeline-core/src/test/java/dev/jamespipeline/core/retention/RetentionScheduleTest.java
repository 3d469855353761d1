package dev.jamespipeline.core.retention;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.runtime.BackgroundTasks;

/** The schedule both backends' sweepers run on, and how a node combines its background tasks. */
class RetentionScheduleTest {
    private record Count(long total) implements RetentionSchedule.Swept {
    }

    @Test
    void aFailedSweepIsFollowedByTheNextOne() throws Exception {
        AtomicInteger sweeps = new AtomicInteger();
        CountDownLatch secondSweep = new CountDownLatch(1);
        RetentionSchedule schedule = new RetentionSchedule("test state", () -> {
            if (sweeps.incrementAndGet() == 1) {
                throw new IllegalStateException("volume not mounted");
            }
            secondSweep.countDown();
            return new Count(1);
        }, Duration.ofMillis(1));

        try (BackgroundTasks tasks = BackgroundTasks.all(BackgroundTasks.NONE, schedule)) {
            assertThat(tasks).as("one task is itself").isSameAs(schedule);
            tasks.start();
            // A liveness bound, not a timing expectation: the sweep runs every millisecond.
            assertThat(secondSweep.await(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void severalTasksStartInOrderAndCloseInReverse() {
        List<String> events = new ArrayList<>();
        BackgroundTasks tasks = BackgroundTasks.all(recording("file", events), BackgroundTasks.NONE, recording("postgres", events));

        tasks.start();
        tasks.close();

        assertThat(events).containsExactly("start file", "start postgres", "close postgres", "close file");
    }

    private static BackgroundTasks recording(String name, List<String> events) {
        return new BackgroundTasks() {
            @Override
            public void start() {
                events.add("start " + name);
            }

            @Override
            public void close() {
                events.add("close " + name);
            }
        };
    }
}
