package dev.jamespipeline.stages;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * Lets one thread at a time work under a given key; others wait for it, then take their turn.
 * When the broker connection drops, deliveries already handed to a consumer thread keep running
 * while the broker redelivers the same messages to the recovered consumer: without this, both
 * copies could pass the ledger check before either delivery is recorded, and deliver twice. With
 * it, the second waits and then finds the first one's ledger entries.
 *
 * <p>With the PostgreSQL ledger and mailbox the correctness mechanism is the per-mailbox delivery
 * claim, a unique key that holds across nodes (a second delivery's append is rolled back). This guard
 * is kept there because it still saves work on one node: without it the second copy would run the whole
 * stage, fail its append, and wait out a retry delay before the ledger drops it.
 */
final class OneAtATime {
    private final ConcurrentHashMap<String, Semaphore> running = new ConcurrentHashMap<>();

    /** Returns once no other thread holds {@code key}; close the turn to let the next one in. */
    Turn enter(String key) throws InterruptedException {
        while (true) {
            Semaphore mine = new Semaphore(0);
            Semaphore holder = running.putIfAbsent(key, mine);
            if (holder == null) {
                return () -> {
                    running.remove(key, mine);
                    // Wakes every waiter; each then races for the key again.
                    mine.release(Integer.MAX_VALUE / 2);
                };
            }
            holder.acquire();
            holder.release();
        }
    }

    interface Turn extends AutoCloseable {
        @Override
        void close();
    }
}
