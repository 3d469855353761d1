package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Durable end to end, for any server: runs a load command (Postfix's {@code smtp-source}) and watches
 * one mailbox until it holds {@code target} more messages than when the command started. Prints the
 * time the command took (accept: its last 250), the time until the last message was in the mailbox,
 * the backlog when the load ended, and the time at which each {@code slice} more messages were in.
 * The clock starts when the command is started (the first 250 follows within a connection set-up
 * on loopback).
 *
 * <p>The mailbox is counted as a client would see it: a Maildir's files in {@code new/} and
 * {@code cur/} (a delivery is in {@code new/} only once its file is written, fsync'd and renamed
 * there: {@link MaildirCount}), or {@code STATUS INBOX (MESSAGES)} over IMAP on one connection.
 * Polled every {@value #POLL_MS} ms, which is the resolution.
 *
 * <p>Usage: {@code DurableDelivery TARGET SLICE TIMEOUT_S (maildir DIR | imap PORT USER PASSWORD) -- COMMAND...}
 */
public final class DurableDelivery {
    private static final long POLL_MS = 50;

    /** A mailbox's message count, as its reader sees it. */
    private interface MailboxCount extends AutoCloseable {
        long count() throws IOException;
    }

    public static void main(String[] args) throws Exception {
        int separator = Arrays.asList(args).indexOf("--");
        if (separator < 5) {
            System.err.println("usage: DurableDelivery TARGET SLICE TIMEOUT_S (maildir DIR | imap PORT USER PASSWORD) -- COMMAND...");
            System.exit(2);
        }
        long target = Long.parseLong(args[0]);
        long slice = Long.parseLong(args[1]);
        long timeoutMillis = Long.parseLong(args[2]) * 1000;
        List<String> command = Arrays.asList(args).subList(separator + 1, args.length);
        try (MailboxCount mailbox = mailbox(Arrays.copyOfRange(args, 3, separator))) {
            System.exit(watch(mailbox, target, slice, timeoutMillis, command) ? 0 : 1);
        }
    }

    private static MailboxCount mailbox(String[] spec) throws IOException {
        if (spec[0].equals("maildir")) {
            return new MaildirCount(Path.of(spec[1]));
        }
        ImapSession imap = new ImapSession(Integer.parseInt(spec[1]), spec[2], spec[3]);
        return new MailboxCount() {
            @Override
            public long count() throws IOException {
                return imap.inboxMessages();
            }

            @Override
            public void close() throws IOException {
                imap.close();
            }
        };
    }

    /**
     * A Maildir's messages: listed once, then counted by the files renamed into {@code new/} (inotify,
     * through the JDK's WatchService), so that watching a 10,000-message Maildir does not take the CPU
     * a listing every poll would take from the server measured. Listed again if events were dropped.
     * Nothing moves files to {@code cur/} meanwhile (no IMAP client reads the mailbox during a run).
     */
    private static final class MaildirCount implements MailboxCount {
        private final Path maildir;
        private final WatchService watcher;
        private long count;

        MaildirCount(Path maildir) throws IOException {
            this.maildir = maildir;
            this.watcher = FileSystems.getDefault().newWatchService();
            maildir.resolve("new").register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            this.count = listed();
        }

        @Override
        public long count() throws IOException {
            for (WatchKey key = watcher.poll(); key != null; key = watcher.poll()) {
                for (WatchEvent<?> event : key.pollEvents()) {
                    if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                        count = listed();
                    } else {
                        count += event.count();
                    }
                }
                key.reset();
            }
            return count;
        }

        private long listed() throws IOException {
            return files(maildir.resolve("new")) + files(maildir.resolve("cur"));
        }

        @Override
        public void close() throws IOException {
            watcher.close();
        }
    }

    private static long files(Path directory) throws IOException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.count();
        }
    }

    private static boolean watch(MailboxCount mailbox, long target, long slice, long timeoutMillis, List<String> command)
            throws Exception {
        long before = mailbox.count();
        long start = System.nanoTime();
        Process load = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long acceptedNanos = -1;
        long backlogAtAccept = -1;
        List<Long> sliceMillis = new ArrayList<>();
        long delivered = 0;
        long deadline = start + timeoutMillis * 1_000_000L;
        while (delivered < target && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MS);
            delivered = mailbox.count() - before;
            long now = System.nanoTime();
            while (sliceMillis.size() < delivered / slice) {
                sliceMillis.add((now - start) / 1_000_000);
            }
            if (acceptedNanos < 0 && !load.isAlive()) {
                acceptedNanos = now - start;
                backlogAtAccept = target - delivered;
                if (load.exitValue() != 0) {
                    System.out.println("load_failed exit=" + load.exitValue() + " command=" + String.join(" ", command));
                    return false;
                }
            }
        }
        long allMillis = (System.nanoTime() - start) / 1_000_000;
        if (acceptedNanos < 0) {
            load.waitFor();
            acceptedNanos = System.nanoTime() - start;
            backlogAtAccept = 0;
        }
        long acceptMillis = acceptedNanos / 1_000_000;
        System.out.printf("target=%d delivered=%d accept_ms=%d all_in_mailbox_ms=%d accept_msg_s=%.1f end_to_end_msg_s=%.1f"
                + " backlog_at_accept_end=%d slice_ms=%s%n",
            target, delivered, acceptMillis, allMillis, target * 1000.0 / Math.max(1, acceptMillis), delivered * 1000.0 / Math.max(1, allMillis),
            backlogAtAccept, sliceMillis.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse(""));
        if (delivered < target) {
            System.out.println("timeout: " + delivered + " of " + target + " in the mailbox after " + allMillis + " ms");
            return false;
        }
        return true;
    }
}
