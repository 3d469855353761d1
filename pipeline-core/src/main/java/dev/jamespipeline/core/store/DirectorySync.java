package dev.jamespipeline.core.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Group commit for directory fsyncs. Many SMTP sessions rename files into the same directory at
 * once; each needs a directory fsync that started after its rename. A caller whose request is
 * covered by an fsync another thread started later returns without issuing its own, so N
 * concurrent writers share a few fsyncs instead of queueing N of them.
 */
public final class DirectorySync {
    /** The real directory fsync, replaceable so a test can count and slow it down. */
    interface Fsync {
        void apply(Path directory) throws IOException;
    }

    private final Map<Path, Tickets> directories = new ConcurrentHashMap<>();
    private final Fsync fsync;

    public DirectorySync() {
        this(DurableDirectories::fsync);
    }

    DirectorySync(Fsync fsync) {
        this.fsync = fsync;
    }

    /** Returns once an fsync of {@code directory} that began after this call was entered has completed. */
    public void fsync(Path directory) throws IOException {
        Tickets tickets = directories.computeIfAbsent(directory, ignored -> new Tickets());
        long ticket = tickets.request();
        synchronized (tickets.syncing) {
            if (tickets.completed >= ticket) {
                return;
            }
            // Every request up to here was made after its caller's rename, so this fsync covers them all.
            long covered = tickets.latestRequest();
            fsync.apply(directory);
            tickets.completed = covered;
        }
    }

    private static final class Tickets {
        private final Object syncing = new Object();
        private long requested;
        private volatile long completed;

        synchronized long request() {
            return ++requested;
        }

        synchronized long latestRequest() {
            return requested;
        }
    }
}
