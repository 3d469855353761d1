package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The security benchmark's load: every message file of a directory ({@link SecurityMessages}) sent once over
 * SESSIONS SMTP sessions in parallel (each takes the next file; the envelope recipient is the file's To field),
 * timing the end of DATA to the reply; then the wait until the pipeline has delivered every accepted message,
 * counted from its {@code mail.delivered} events ({@link PipelineDeliveryProbe}, bound before the first message).
 * Prints one line: {@code sent= accepted= replies= seconds= msg_per_s= p50_ms= p90_ms= p99_ms= p999_ms= max_ms=
 * delivered= all_delivered= delivered_after_s= end_to_end_msg_per_s=} (end to end: accepted / time from the first
 * message to the last delivery).
 *
 * <p>Usage: {@code SecurityLoad PORT SESSIONS MESSAGES_DIR AMQP_URI TOPOLOGY_PREFIX DRAIN_TIMEOUT_S STAGE...}
 */
public final class SecurityLoad {
    private static final byte[] NO_BODY = new byte[0];

    public static void main(String[] args) throws Exception {
        if (args.length < 7) {
            System.err.println("usage: PORT SESSIONS MESSAGES_DIR AMQP_URI TOPOLOGY_PREFIX DRAIN_TIMEOUT_S STAGE...");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        int sessions = Integer.parseInt(args[1]);
        List<byte[]> messages = read(Path.of(args[2]));
        long drainTimeoutMs = Long.parseLong(args[5]) * 1000;
        List<String> stageQueues = Arrays.stream(args, 6, args.length).map(stage -> "pipeline.stage." + stage).toList();

        try (PipelineDeliveryProbe probe = new PipelineDeliveryProbe(args[3], args[4], stageQueues)) {
            Recorder recorder = new Recorder(3);
            Map<Integer, AtomicInteger> replies = new ConcurrentHashMap<>();
            AtomicInteger next = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(sessions);
            long start = System.nanoTime();
            List<Future<?>> running = new ArrayList<>();
            for (int s = 0; s < sessions; s++) {
                running.add(pool.submit(() -> {
                    session(port, messages, next, recorder, replies);
                    return null;
                }));
            }
            for (Future<?> future : running) {
                future.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            pool.shutdown();
            int accepted = replies.getOrDefault(250, new AtomicInteger()).get();

            long deadline = System.currentTimeMillis() + drainTimeoutMs;
            while (probe.delivered() < accepted && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            long delivered = probe.delivered();
            double deliveredAfter = (System.nanoTime() - start) / 1e9;
            Histogram latency = recorder.getIntervalHistogram();
            System.out.printf("sent=%d accepted=%d replies=%s seconds=%.2f msg_per_s=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f "
                    + "p999_ms=%.2f max_ms=%.2f delivered=%d all_delivered=%s delivered_after_s=%.2f end_to_end_msg_per_s=%.1f%n",
                messages.size(), accepted, replies.toString().replace(" ", ""), seconds, accepted / seconds,
                latency.getValueAtPercentile(50) / 1e6, latency.getValueAtPercentile(90) / 1e6,
                latency.getValueAtPercentile(99) / 1e6, latency.getValueAtPercentile(99.9) / 1e6, latency.getMaxValue() / 1e6,
                delivered, delivered >= accepted ? "yes" : "no", deliveredAfter, delivered / deliveredAfter);
            System.out.println("# " + probe.howCounted());
        }
    }

    private static void session(int port, List<byte[]> messages, AtomicInteger next, Recorder recorder,
                                Map<Integer, AtomicInteger> replies) throws IOException {
        RawDataSmtpClient client = RawDataSmtpClient.connect(port);
        try {
            for (int index = next.getAndIncrement(); index < messages.size(); index = next.getAndIncrement()) {
                byte[] message = messages.get(index);
                int reply = client.send(recipient(message), message, NO_BODY, recorder);
                replies.computeIfAbsent(reply, code -> new AtomicInteger()).incrementAndGet();
            }
            client.logout();
        } finally {
            client.disconnect();
        }
    }

    /** The message files of a directory, in name order. */
    static List<byte[]> read(Path directory) throws IOException {
        List<byte[]> messages = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path file : files.filter(path -> path.toString().endsWith(".eml")).sorted().toList()) {
                messages.add(Files.readAllBytes(file));
            }
        }
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("no .eml files in " + directory);
        }
        return messages;
    }

    static String recipient(byte[] message) {
        String text = new String(message, StandardCharsets.US_ASCII);
        int start = text.indexOf("\r\nTo: ");
        if (start < 0) {
            throw new IllegalArgumentException("a benchmark message without a To field");
        }
        return text.substring(start + 6, text.indexOf("\r\n", start + 6));
    }
}
