package dev.jamespipeline.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class DirectorySyncTest {
    private static final int CALLERS = 40;

    /** Start and end (in a shared logical clock) of every real fsync. */
    private record Sync(long start, long end) {
    }

    @Test
    void concurrentCallersShareFsyncsAndEachIsCoveredByOneThatStartedAfterIt() throws Exception {
        AtomicLong clock = new AtomicLong();
        List<Sync> syncs = new CopyOnWriteArrayList<>();
        DirectorySync sync = new DirectorySync(directory -> {
            long start = clock.incrementAndGet();
            pause();
            syncs.add(new Sync(start, clock.incrementAndGet()));
        });
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(CALLERS);
        List<Future<long[]>> calls = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            calls.add(pool.submit(() -> {
                go.await();
                long entered = clock.incrementAndGet();
                sync.fsync(Path.of("/same/dir"));
                return new long[] {entered, clock.incrementAndGet()};
            }));
        }
        go.countDown();

        for (Future<long[]> call : calls) {
            long[] window = call.get();
            assertThat(syncs).as("an fsync began after the call was entered and ended before it returned")
                .anyMatch(s -> s.start() > window[0] && s.end() < window[1]);
        }
        pool.shutdown();
        assertThat(syncs.size()).isLessThan(CALLERS);
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aLoneCallerGetsItsOwnFsync() throws Exception {
        List<Path> synced = new CopyOnWriteArrayList<>();
        DirectorySync sync = new DirectorySync(synced::add);

        sync.fsync(Path.of("/a"));
        sync.fsync(Path.of("/a"));
        sync.fsync(Path.of("/b"));

        assertThat(synced).containsExactly(Path.of("/a"), Path.of("/a"), Path.of("/b"));
    }
}
