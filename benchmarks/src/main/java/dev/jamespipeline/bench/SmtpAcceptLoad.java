package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * SMTP accept load: {@code sessions} connections in parallel, each sending {@code messages}
 * messages of {@code size} bytes over one connection, round-robin to {@code user0..userN-1@domain},
 * timing the end of DATA (the final ".") to the server's reply. With a WebAdmin port it then waits
 * until the users' INBOX counts add up to every accepted message (end-to-end throughput).
 *
 * <p>Usage: {@code java -jar smtp-load.jar PORT SESSIONS MESSAGES_PER_SESSION SIZE_BYTES DOMAIN USERS [WEBADMIN_PORT]}
 */
public final class SmtpAcceptLoad {
    private static final long MAX_WAIT_FOR_DELIVERY_MS = 300_000;

    public static void main(String[] args) throws Exception {
        if (args.length < 6) {
            System.err.println("usage: PORT SESSIONS MESSAGES_PER_SESSION SIZE_BYTES DOMAIN USERS [WEBADMIN_PORT]");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int sessions = Integer.parseInt(args[1]);
        int perSession = Integer.parseInt(args[2]);
        int size = Integer.parseInt(args[3]);
        String domain = args[4];
        int users = Integer.parseInt(args[5]);
        byte[] body = body(size).getBytes(StandardCharsets.US_ASCII);

        Recorder recorder = new Recorder(3);
        Map<Integer, AtomicInteger> replies = new ConcurrentHashMap<>();
        AtomicLong sequence = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        long start = System.nanoTime();
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            running.add(pool.submit(() -> {
                session(port, perSession, domain, users, body, recorder, replies, sequence);
                return null;
            }));
        }
        for (Future<?> future : running) {
            future.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();

        Histogram latency = recorder.getIntervalHistogram();
        int accepted = replies.getOrDefault(250, new AtomicInteger()).get();
        System.out.printf("sent=%d accepted=%d replies=%s seconds=%.2f msg_per_s=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f p999_ms=%.2f max_ms=%.2f%n",
            sessions * perSession, accepted, replies, seconds, accepted / seconds,
            latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(90) / 1e6,
            latency.getValueAtPercentile(99) / 1e6, latency.getValueAtPercentile(99.9) / 1e6, latency.getMaxValue() / 1e6);

        if (args.length >= 7) {
            long waited = waitForDelivery(Integer.parseInt(args[6]), domain, users, accepted, start);
            System.out.printf("delivered_all_after_s=%.2f end_to_end_msg_per_s=%.1f%n", waited / 1e3, accepted / (waited / 1e3));
        }
    }

    private static void session(int port, int messages, String domain, int users, byte[] body, Recorder recorder,
                                Map<Integer, AtomicInteger> replies, AtomicLong sequence) throws IOException {
        RawDataSmtpClient client = RawDataSmtpClient.connect(port);
        try {
            for (int i = 0; i < messages; i++) {
                long number = sequence.incrementAndGet();
                String to = "user" + (number % users) + "@" + domain;
                int reply = client.send(to, headers(to, number, messageId()), body, recorder);
                replies.computeIfAbsent(reply, code -> new AtomicInteger()).incrementAndGet();
            }
            client.logout();
        } finally {
            client.disconnect();
        }
    }

    private static long waitForDelivery(int webAdminPort, String domain, int users, int expected, long startNanos)
            throws Exception {
        WebAdmin webAdmin = new WebAdmin(webAdminPort);
        List<String> mailboxes = users(domain, users);
        long deadline = System.currentTimeMillis() + MAX_WAIT_FOR_DELIVERY_MS;
        while (System.currentTimeMillis() < deadline) {
            if (webAdmin.inboxCountSum(mailboxes) >= expected) {
                return (System.nanoTime() - startNanos) / 1_000_000;
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("not every accepted message was delivered within " + MAX_WAIT_FOR_DELIVERY_MS + " ms");
    }

    /** The benchmark's recipients: user0..user{count-1}@domain. */
    static List<String> users(String domain, int count) {
        return IntStream.range(0, count).mapToObj(user -> "user" + user + "@" + domain).toList();
    }

    /** A Message-ID value no other load message has, angle brackets included. */
    static String messageId() {
        return "<" + System.nanoTime() + "." + Thread.currentThread().getId() + "@load.local>";
    }

    /** The headers of load message {@code number}: unique subject, and the Message-ID given. */
    static byte[] headers(String to, long number, String messageId) {
        return ("From: load@load.local\r\nTo: " + to + "\r\nSubject: load " + number
            + "\r\nMessage-ID: " + messageId + "\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    /** Printable lines adding up to {@code size} bytes, CRLF-terminated, no line starting with '.'. */
    static String body(int size) {
        StringBuilder text = new StringBuilder(size);
        String line = "The quick brown fox jumps over the lazy dog 0123456789 abcdefghijklmnopqrstuvwxyz\r\n";
        while (text.length() + line.length() <= size) {
            text.append(line);
        }
        return text.toString();
    }
}
