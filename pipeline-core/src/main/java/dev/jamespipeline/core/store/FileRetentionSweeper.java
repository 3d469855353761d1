package dev.jamespipeline.core.store;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import dev.jamespipeline.core.retention.RetentionSchedule;

/**
 * Deletes what the {@code file} backends no longer need, walking their directories lazily:
 * <ul>
 *   <li>in the message store, messages released more than {@code grace} ago, with their marks
 *       (an unreleased message, such as a dead-lettered one, is never deleted); withdrawal marks and
 *       temp files abandoned by a crash older than {@code retention}; empty directories untouched for
 *       {@code grace} (past hours);</li>
 *   <li>in the file ledger, marker files older than {@code retention}.</li>
 * </ul>
 * Ages are the node's clock against the volume's mtimes: nodes sharing a volume keep their clocks in
 * sync (NTP), which minutes of grace make plenty. Sweepers of several nodes may run at once: a file
 * one of them deleted first is skipped by the others. Symbolic links are never followed, and a mark
 * names a message only if the message's path below the root is a valid {@link StorageKey}.
 */
public final class FileRetentionSweeper implements RetentionSchedule.Sweep {
    private static final int BATCH = 1000;

    private final Optional<Path> storeRoot;
    private final Optional<Path> ledgerRoot;
    private final Duration grace;
    private final Duration retention;
    private final Clock clock;

    /** Either root is empty when that backend is not {@code file}; a root not created yet is skipped. */
    public FileRetentionSweeper(Optional<Path> storeRoot, Optional<Path> ledgerRoot, Duration grace, Duration retention,
                                Clock clock) {
        this.storeRoot = storeRoot.map(root -> root.toAbsolutePath().normalize());
        this.ledgerRoot = ledgerRoot.map(root -> root.toAbsolutePath().normalize());
        this.grace = grace;
        this.retention = retention;
        this.clock = clock;
    }

    /** What one sweep deleted. */
    public record Swept(long messages, long withdrawalMarks, long tempFiles, long directories, long ledgerEntries)
            implements RetentionSchedule.Swept {
        @Override
        public long total() {
            return messages + withdrawalMarks + tempFiles + directories + ledgerEntries;
        }
    }

    @Override
    public Swept sweep() throws IOException {
        Instant now = clock.instant();
        StoreSweep store = new StoreSweep(now.minus(grace), now.minus(retention));
        if (storeRoot.isPresent() && Files.isDirectory(storeRoot.get(), LinkOption.NOFOLLOW_LINKS)) {
            store.root = storeRoot.get();
            Files.walkFileTree(store.root, store);
            store.deleteReleased();
        }
        long ledgerEntries = 0;
        if (ledgerRoot.isPresent() && Files.isDirectory(ledgerRoot.get(), LinkOption.NOFOLLOW_LINKS)) {
            LedgerSweep ledger = new LedgerSweep(now.minus(retention));
            Files.walkFileTree(ledgerRoot.get(), ledger);
            ledgerEntries = ledger.deleted;
        }
        return new Swept(store.messages, store.withdrawalMarks, store.tempFiles, store.directories, ledgerEntries);
    }

    /** One walk of the message store; released messages are deleted in batches (see {@link #deleteReleased}). */
    private static final class StoreSweep extends SweepVisitor {
        private final Instant releasedBefore;
        private final Instant expiredBefore;
        private final List<Path> releaseMarks = new ArrayList<>();
        private Path root;
        private long messages;
        private long withdrawalMarks;
        private long tempFiles;
        private long directories;

        StoreSweep(Instant releasedBefore, Instant expiredBefore) {
            this.releasedBefore = releasedBefore;
            this.expiredBefore = expiredBefore;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
            if (!attributes.isRegularFile()) {
                return FileVisitResult.CONTINUE;
            }
            Instant modified = attributes.lastModifiedTime().toInstant();
            if (StoreFileNames.releasedMessage(file).isPresent() && modified.isBefore(releasedBefore)) {
                releaseMarks.add(file);
                if (releaseMarks.size() == BATCH) {
                    deleteReleased();
                }
            } else if (StoreFileNames.isWithdrawalMark(file) && modified.isBefore(expiredBefore)) {
                withdrawalMarks += deleteIfExists(file);
            } else if (StoreFileNames.isTemp(file) && modified.isBefore(expiredBefore)) {
                tempFiles += deleteIfExists(file);
            }
            return FileVisitResult.CONTINUE;
        }

        /** A directory emptied by this sweep has a fresh mtime, so it goes at a later one. */
        @Override
        public FileVisitResult postVisitDirectory(Path directory, IOException e) throws IOException {
            if (e != null && !(e instanceof NoSuchFileException)) {
                throw e;
            }
            if (directory.equals(root)) {
                return FileVisitResult.CONTINUE;
            }
            try {
                if (Files.getLastModifiedTime(directory, LinkOption.NOFOLLOW_LINKS).toInstant().isBefore(releasedBefore)) {
                    Files.delete(directory);
                    directories++;
                }
            } catch (DirectoryNotEmptyException | NoSuchFileException inUseOrGone) {
                // still holds files, or another node removed it
            }
            return FileVisitResult.CONTINUE;
        }

        /**
         * Messages first, their directories fsync'd, then the marks: a crash in between leaves marks
         * without messages (deleted at the next sweep), never a released message without its mark.
         */
        void deleteReleased() throws IOException {
            List<Path> deletedMarks = new ArrayList<>();
            Set<Path> touched = new LinkedHashSet<>();
            for (Path mark : releaseMarks) {
                Optional<Path> message = StoreFileNames.releasedMessage(mark).filter(this::isMessageBelowRoot);
                if (message.isEmpty()) {
                    continue;
                }
                if (stillReleased(message.get(), mark)) {
                    messages += deleteIfExists(message.get());
                    touched.add(message.get().getParent());
                    deletedMarks.add(mark);
                } else if (!Files.exists(message.get(), LinkOption.NOFOLLOW_LINKS)) {
                    deletedMarks.add(mark);
                }
            }
            for (Path directory : touched) {
                DurableDirectories.fsync(directory);
            }
            for (Path mark : deletedMarks) {
                deleteIfExists(mark);
            }
            releaseMarks.clear();
        }

        private boolean isMessageBelowRoot(Path message) {
            try {
                new StorageKey(root.relativize(message).toString());
                return message.normalize().startsWith(root);
            } catch (IllegalArgumentException notAKey) { // InvalidStorageKeyException included
                return false;
            }
        }

        /**
         * The message was not written again since its release: a writer removes the mark before its new
         * bytes take the name, and those bytes are newer than the mark.
         */
        private static boolean stillReleased(Path message, Path mark) throws IOException {
            try {
                BasicFileAttributes messageAttributes = Files.readAttributes(message, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
                return messageAttributes.isRegularFile() && Files.exists(mark, LinkOption.NOFOLLOW_LINKS)
                    && messageAttributes.lastModifiedTime().compareTo(Files.getLastModifiedTime(mark, LinkOption.NOFOLLOW_LINKS)) <= 0;
            } catch (NoSuchFileException gone) {
                return false;
            }
        }
    }

    /** Ledger markers are empty files named by pipeline id and effect; their mtime is when the effect was recorded. */
    private static final class LedgerSweep extends SweepVisitor {
        private final Instant expiredBefore;
        private long deleted;

        LedgerSweep(Instant expiredBefore) {
            this.expiredBefore = expiredBefore;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
            if (attributes.isRegularFile() && attributes.lastModifiedTime().toInstant().isBefore(expiredBefore)) {
                deleted += deleteIfExists(file);
            }
            return FileVisitResult.CONTINUE;
        }
    }

    /** A file another node's sweeper deleted during the walk is not an error. */
    private abstract static class SweepVisitor extends SimpleFileVisitor<Path> {
        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException) {
                return FileVisitResult.CONTINUE;
            }
            throw e;
        }
    }

    private static long deleteIfExists(Path file) throws IOException {
        return Files.deleteIfExists(file) ? 1 : 0;
    }
}
