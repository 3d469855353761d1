package dev.jamespipeline.stages;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OneAtATimeTest {
    private final OneAtATime oneAtATime = new OneAtATime();
    private final ExecutorService threads = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    @Test
    void neverTwoThreadsUnderTheSameKey() throws Exception {
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicInteger turns = new AtomicInteger();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            workers.add(threads.submit(() -> {
                for (int i = 0; i < 2_000; i++) {
                    try (OneAtATime.Turn turn = oneAtATime.enter("message/route")) {
                        mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        turns.incrementAndGet();
                        inside.decrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get(1, TimeUnit.MINUTES);
        }

        assertThat(turns.get()).isEqualTo(16_000);
        assertThat(mostInside.get()).isEqualTo(1);
    }

    @Test
    void otherKeysDoNotWait() throws Exception {
        try (OneAtATime.Turn held = oneAtATime.enter("first/route")) {
            Future<?> other = threads.submit(() -> {
                try (OneAtATime.Turn turn = oneAtATime.enter("second/route")) {
                    return null;
                }
            });

            other.get(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void theNextThreadGetsItsTurnOnceTheHolderIsDone() throws Exception {
        OneAtATime.Turn held = oneAtATime.enter("message/route");
        Future<String> next = threads.submit(() -> {
            try (OneAtATime.Turn turn = oneAtATime.enter("message/route")) {
                return "entered";
            }
        });

        held.close();

        assertThat(next.get(1, TimeUnit.MINUTES)).isEqualTo("entered");
    }
}
