package dev.jamespipeline.bench;

/** Paced loops: sleep until a point on the {@link System#nanoTime()} clock. */
final class Pacing {
    private Pacing() {
    }

    static void sleepUntil(long nanoTime) throws InterruptedException {
        long waitMs = (nanoTime - System.nanoTime()) / 1_000_000;
        if (waitMs > 0) {
            Thread.sleep(waitMs);
        }
    }
}
