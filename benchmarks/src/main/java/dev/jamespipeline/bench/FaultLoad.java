package dev.jamespipeline.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import org.HdrHistogram.Recorder;

/**
 * The fault harness's load: {@code total} messages over {@code sessions} connections, round-robin
 * to {@code user0..userN-1@domain}, each message retried like an MTA would (after a 4xx or a
 * broken connection) until it gets a 250 or the deadline passes; a 5xx ends the message's tries.
 * Every 250 is written to {@code acceptedFile} as "epoch-millis pipeline-id recipient message-id"; a message
 * keeps its Message-ID when it is sent again.
 *
 * <p>Usage: {@code java -cp smtp-load.jar dev.jamespipeline.bench.FaultLoad PORT SESSIONS TOTAL SIZE DOMAIN MAILBOXES ACCEPTED_FILE DEADLINE_SECONDS}
 */
public final class FaultLoad {
    private static final long RETRY_PAUSE_MS = 200;
    private static final String QUEUED_AS = "queued as ";

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int sessions = Integer.parseInt(args[1]);
        int total = Integer.parseInt(args[2]);
        byte[] body = SmtpAcceptLoad.body(Integer.parseInt(args[3])).getBytes(StandardCharsets.US_ASCII);
        List<String> recipients = SmtpAcceptLoad.users(args[4], Integer.parseInt(args[5]));
        Path acceptedFile = Path.of(args[6]);
        long deadline = System.currentTimeMillis() + Long.parseLong(args[7]) * 1000;

        Queue<String> accepted = new ConcurrentLinkedQueue<>();
        AtomicInteger tempfails = new AtomicInteger();
        AtomicInteger rejections = new AtomicInteger();
        AtomicInteger connectionErrors = new AtomicInteger();
        AtomicInteger abandoned = new AtomicInteger();
        AtomicInteger next = new AtomicInteger();
        long run = System.currentTimeMillis();
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            running.add(pool.submit(() -> {
                RawDataSmtpClient client = null;
                for (int number = next.getAndIncrement(); number < total; number = next.getAndIncrement()) {
                    String recipient = recipients.get(number % recipients.size());
                    // One Message-ID per message, kept when the message is sent again: it finds the message in its
                    // mailbox even when it got there under another pipeline id than the one its 250 named.
                    String messageId = "<fault-load-" + number + "." + run + "@load.local>";
                    byte[] headers = ("From: load@load.local\r\nTo: " + recipient + "\r\nSubject: fault load " + number
                        + "\r\nMessage-ID: " + messageId + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
                    boolean done = false;
                    boolean rejected = false;
                    while (!done && !rejected && System.currentTimeMillis() < deadline) {
                        try {
                            if (client == null) {
                                client = RawDataSmtpClient.connect(port);
                            }
                            int reply = client.send(recipient, headers, body, new Recorder(3));
                            if (reply == 250) {
                                String text = client.getReplyString();
                                int at = text.indexOf(QUEUED_AS);
                                accepted.add(System.currentTimeMillis() + " "
                                    + (at < 0 ? "unknown" : text.substring(at + QUEUED_AS.length()).trim()) + " " + recipient
                                    + " " + messageId);
                                done = true;
                            } else if (reply >= 500) {
                                rejections.incrementAndGet();
                                rejected = true;
                            } else {
                                tempfails.incrementAndGet();
                                pause();
                            }
                        } catch (IOException e) {
                            connectionErrors.incrementAndGet();
                            disconnectQuietly(client);
                            client = null;
                            pause();
                        }
                    }
                    if (!done && !rejected) {
                        abandoned.incrementAndGet();
                    }
                }
                disconnectQuietly(client);
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get();
        }
        pool.shutdown();
        try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(acceptedFile))) {
            accepted.forEach(out::println);
        }
        System.out.printf("accepted_250=%d tempfail_4xx=%d rejected_5xx=%d connection_errors=%d abandoned=%d%n",
            accepted.size(), tempfails.get(), rejections.get(), connectionErrors.get(), abandoned.get());
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_PAUSE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void disconnectQuietly(RawDataSmtpClient client) {
        if (client != null) {
            try {
                client.disconnect();
            } catch (IOException ignored) {
                // the server is gone: nothing to close
            }
        }
    }
}
