package dev.jamespipeline.mailbox.postgres.mail;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs a call from several threads at once, all released together, and gathers every result. */
final class Concurrently {
    private Concurrently() {
    }

    static <T> List<T> run(int threads, int callsPerThread, Callable<T> call) throws Exception {
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<List<T>>> futures = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                futures.add(executor.submit(() -> {
                    start.await();
                    List<T> results = new ArrayList<>();
                    for (int i = 0; i < callsPerThread; i++) {
                        results.add(call.call());
                    }
                    return results;
                }));
            }
            List<T> all = new ArrayList<>();
            for (Future<List<T>> future : futures) {
                all.addAll(future.get());
            }
            return all;
        } finally {
            executor.shutdownNow();
        }
    }
}
