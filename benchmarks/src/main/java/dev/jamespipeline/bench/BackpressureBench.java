package dev.jamespipeline.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * SMTP backpressure under overload, on one James with a slowed stage: first it measures what the
 * stage delivers per second (a burst below the enter threshold, delivered rate while the stage queue
 * is non-empty), then {@code sessions} connections offer twice that (paced: attempt n is due at
 * n / rate s, whether it is answered 250 or 451) for {@code seconds}. Once a second it samples the
 * stage queue's ready messages (passive declare, our own read), the backpressure state and reason
 * (GET /pipeline/state), 250s and 451s in that second, and James's heap used (jvm_memory_heap_used on
 * /metrics). Then it waits for the backlog to drain and counts deliveries twice: distinct pipeline ids
 * in mail.delivered events and the users' INBOX message counts. Retained heap is read after a full GC
 * ({@code jcmd PID GC.run}) after the warm-up and at the end of the load. Writes OUT.csv, OUT.md and
 * OUT.png and prints PASS/FAIL lines; exits 1 when one fails.
 *
 * <p>Usage: {@code BackpressureBench OUT SMTP_PORT WEBADMIN_PORT JAMES_PID AMQP_URI TOPOLOGY_PREFIX STAGE_QUEUE SESSIONS
 * SECONDS SIZE DOMAIN USERS ENTER LEAVE SAMPLER_INTERVAL_MS DRAIN_TIMEOUT_S COMMAND}
 */
public final class BackpressureBench {
    private static final int CAPACITY_BURST_BELOW_ENTER_PERCENT = 80;
    private static final int WARM_UP_MESSAGES_PER_USER = 5;
    /** Retained heap at the end may exceed the warm-up's by this share of it, and at least by the floor below. */
    private static final double HEAP_MARGIN = 0.25;
    private static final long HEAP_MARGIN_FLOOR_BYTES = 32L << 20;

    private final int smtpPort;
    private final WebAdmin webAdmin;
    private final long jamesPid;
    private final PipelineDeliveryProbe probe;
    private final int sessions;
    private final byte[] body;
    private final String domain;
    private final int users;
    private final ObjectMapper json = new ObjectMapper();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong otherReplies = new AtomicLong();
    private final Recorder latency = new Recorder(3);

    /** One second of the overload phase. */
    record Sample(double tS, long ready, String state, String reason, long acceptedPerS, long refusedPerS, long heapUsedBytes) {
    }

    private BackpressureBench(int smtpPort, WebAdmin webAdmin, long jamesPid, PipelineDeliveryProbe probe, int sessions, int size,
                              String domain, int users) {
        this.smtpPort = smtpPort;
        this.webAdmin = webAdmin;
        this.jamesPid = jamesPid;
        this.probe = probe;
        this.sessions = sessions;
        this.body = SmtpAcceptLoad.body(size).getBytes(StandardCharsets.US_ASCII);
        this.domain = domain;
        this.users = users;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 17) {
            System.err.println("usage: OUT SMTP_PORT WEBADMIN_PORT JAMES_PID AMQP_URI TOPOLOGY_PREFIX STAGE_QUEUE SESSIONS SECONDS SIZE"
                + " DOMAIN USERS ENTER LEAVE SAMPLER_INTERVAL_MS DRAIN_TIMEOUT_S COMMAND");
            System.exit(2);
        }
        String out = args[0];
        int sessions = Integer.parseInt(args[7]);
        int seconds = Integer.parseInt(args[8]);
        int users = Integer.parseInt(args[11]);
        long enter = Long.parseLong(args[12]);
        long leave = Long.parseLong(args[13]);
        long samplerIntervalMs = Long.parseLong(args[14]);
        long drainTimeoutMs = Long.parseLong(args[15]) * 1000;
        String command = args[16];
        try (PipelineDeliveryProbe probe = new PipelineDeliveryProbe(args[4], args[5], List.of(args[6]))) {
            BackpressureBench bench = new BackpressureBench(Integer.parseInt(args[1]), new WebAdmin(Integer.parseInt(args[2])),
                Long.parseLong(args[3]), probe, sessions, Integer.parseInt(args[9]), args[10], users);
            boolean passed = bench.run(Path.of(out), seconds, enter, leave, samplerIntervalMs, drainTimeoutMs, command);
            System.exit(passed ? 0 : 1);
        } catch (Exception e) {
            // The load's session threads would keep the JVM alive.
            e.printStackTrace();
            System.exit(2);
        }
    }

    private boolean run(Path out, int seconds, long enter, long leave, long samplerIntervalMs, long drainTimeoutMs, String command)
            throws Exception {
        double capacity = measureCapacity(enter * CAPACITY_BURST_BELOW_ENTER_PERCENT / 100, drainTimeoutMs);
        long heapAfterWarmUp = retainedHeap();
        int offered = (int) Math.round(2 * capacity);
        System.out.printf("capacity_msg_per_s=%.1f offered_msg_per_s=%d retained_heap_after_warm_up_mib=%.1f%n",
            capacity, offered, heapAfterWarmUp / 1048576.0);
        long acceptedBefore = accepted.get();
        long deliveredBefore = probe.delivered();
        List<Sample> series = overload(offered, seconds);
        // The stage's rate during the overload: the machine's other load can make it differ from the capacity measured first.
        double deliveredDuringLoad = (probe.delivered() - deliveredBefore) / (double) seconds;
        long heapAtEnd = retainedHeap();
        long acceptedInLoad = accepted.get() - acceptedBefore;
        long refusedInLoad = refused.get();
        long expected = accepted.get();
        Double drainedAfterS = drain(expected, drainTimeoutMs);
        long deliveredIds = probe.delivered();
        long inboxMessages = webAdmin.inboxCountSum(SmtpAcceptLoad.users(domain, users));

        // Why the bound: the sampler sees the depth once per interval, so after the sample just below enter up to an
        // interval's offered messages (net of deliveries, but counted gross here) still get in; plus one message in
        // every session that had passed MAIL before the state changed.
        long bound = enter + Math.round(offered * samplerIntervalMs / 1000.0) + sessions;
        long maxReady = series.stream().mapToLong(Sample::ready).max().orElse(0);
        long heapMargin = Math.max(HEAP_MARGIN_FLOOR_BYTES, Math.round(heapAfterWarmUp * HEAP_MARGIN));
        List<String> checks = List.of(
            check(maxReady < bound, "max stage depth %d < bound %d (enter %d + %d offered/s × %d ms sampler interval + %d sessions in flight)",
                maxReady, bound, enter, offered, samplerIntervalMs, sessions),
            check(refusedInLoad > 0, "SMTP answered 451 %d times during the overload (250: %d)", refusedInLoad, acceptedInLoad),
            check(otherReplies.get() == 0, "no reply other than 250 and 451 (%d others)", otherReplies.get()),
            check(drainedAfterS != null && deliveredIds == expected && inboxMessages == expected,
                "every accepted message delivered exactly once: accepted %d, distinct pipeline ids in mail.delivered %d,"
                    + " INBOX messages %d, drained %s", expected, deliveredIds, inboxMessages,
                drainedAfterS == null ? "not within the drain timeout" : String.format("%.1f s after the load", drainedAfterS)),
            check(heapAtEnd <= heapAfterWarmUp + heapMargin,
                "retained heap (after a full GC) at the end of the load %.1f MiB ≤ after warm-up %.1f MiB + margin %.1f MiB (25%%, at least 32 MiB)",
                heapAtEnd / 1048576.0, heapAfterWarmUp / 1048576.0, heapMargin / 1048576.0));
        System.out.printf("delivered_during_overload_msg_per_s=%.1f offered_over_delivered=%.2f%n", deliveredDuringLoad,
            offered / deliveredDuringLoad);
        checks.forEach(System.out::println);

        writeCsv(Path.of(out + ".csv"), series);
        List<String> caption = List.of("SMTP backpressure under overload", command,
            String.format("stage capacity %.1f msg/s (measured), %d msg/s offered by %d sessions for %d s (%d cores)",
                capacity, offered, sessions, seconds, Runtime.getRuntime().availableProcessors()),
            String.format("backpressure enters at %d ready messages, leaves below %d; state sampled every %d ms", enter, leave,
                samplerIntervalMs));
        BackpressureCharts.write(caption, series, enter, leave, bound, heapAfterWarmUp, Path.of(out + ".png"));
        List<String> report = new ArrayList<>();
        report.add("## SMTP backpressure under overload");
        report.add("");
        report.add("`" + command + "`");
        report.add("");
        report.add(String.format("Stage capacity %.1f msg/s (measured after a warm-up: a burst of %d messages, delivered per second while the stage queue held"
            + " messages); offered %d msg/s (%d sessions, paced; a 451 uses its slot) for %d s; backpressure enter %d, leave below %d"
            + " ready messages; sampler every %d ms. The stage delivered %.1f msg/s during the overload (offered / that = %.2f)."
            + " Delivered %d in all, the last %s after the load. Chart: `%s`.",
            capacity, enter * CAPACITY_BURST_BELOW_ENTER_PERCENT / 100, offered, sessions, seconds, enter, leave, samplerIntervalMs,
            deliveredDuringLoad, offered / deliveredDuringLoad, expected, drainedAfterS == null ? "(not drained)" : String.format("%.1f s", drainedAfterS), out.getFileName() + ".png"));
        report.add("");
        report.add("```");
        report.addAll(checks);
        report.add("```");
        Files.write(Path.of(out + ".md"), report);
        System.out.println("written: " + out + ".csv " + out + ".md " + out + ".png");
        return checks.stream().allMatch(line -> line.startsWith("PASS"));
    }

    /**
     * After a warm-up ({@value #WARM_UP_MESSAGES_PER_USER} messages per user, delivered), sends a burst of
     * {@code messages} as fast as answered (below the enter threshold, so all get 250), then samples every 250 ms: capacity = delivered between the first and the last sample that found the
     * stage queue holding messages, over the time between them.
     */
    private double measureCapacity(long messages, long drainTimeoutMs) throws Exception {
        // Warm-up first: a fresh James creates each INBOX on its first delivery and runs cold code, which would
        // understate the stage's rate.
        runSessions(0, WARM_UP_MESSAGES_PER_USER * users, System.nanoTime(), Long.MAX_VALUE);
        if (drain(accepted.get(), drainTimeoutMs) == null) {
            throw new IllegalStateException("the warm-up messages were not delivered within the drain timeout");
        }
        long start = System.nanoTime();
        runSessions(0, (int) messages, start, Long.MAX_VALUE);
        long deadline = System.nanoTime() + drainTimeoutMs * 1_000_000L;
        long firstNs = 0;
        long firstDelivered = 0;
        long lastNs = 0;
        long lastDelivered = 0;
        while (probe.delivered() < accepted.get() && System.nanoTime() < deadline) {
            long delivered = probe.delivered();
            long ready = probe.queued();
            long now = System.nanoTime();
            if (ready > 0) {
                if (firstNs == 0) {
                    firstNs = now;
                    firstDelivered = delivered;
                }
                lastNs = now;
                lastDelivered = delivered;
            }
            Thread.sleep(250);
        }
        if (lastNs <= firstNs) {
            throw new IllegalStateException("the burst of " + messages + " never queued up: raise it or slow the stage");
        }
        return (lastDelivered - firstDelivered) / ((lastNs - firstNs) / 1e9);
    }

    private List<Sample> overload(int rate, int seconds) throws Exception {
        long start = System.nanoTime();
        long loadEnd = start + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newSingleThreadExecutor();
        Future<?> load = pool.submit(() -> {
            runSessions(rate, Integer.MAX_VALUE, start, loadEnd);
            return null;
        });
        List<Sample> series = new ArrayList<>();
        long acceptedSoFar = accepted.get();
        long refusedSoFar = refused.get();
        System.out.println("# t_s ready state reason accepted_per_s refused_per_s heap_used_mib");
        for (long tick = 1; tick <= seconds; tick++) {
            Pacing.sleepUntil(start + tick * 1_000_000_000L);
            long ready = probe.queued();
            JsonNode backpressure = json.readTree(webAdmin.get("/pipeline/state")).path("backpressure");
            JsonNode reasons = backpressure.path("reasons");
            long acceptedNow = accepted.get();
            long refusedNow = refused.get();
            Sample sample = new Sample((System.nanoTime() - start) / 1e9, ready, backpressure.path("state").asText("?"),
                reasons.isArray() && !reasons.isEmpty() ? reasons.get(0).path("kind").asText() : "-",
                acceptedNow - acceptedSoFar, refusedNow - refusedSoFar, heapUsed());
            acceptedSoFar = acceptedNow;
            refusedSoFar = refusedNow;
            series.add(sample);
            System.out.printf("%.1f %d %s %s %d %d %.1f%n", sample.tS(), sample.ready(), sample.state(), sample.reason(),
                sample.acceptedPerS(), sample.refusedPerS(), sample.heapUsedBytes() / 1048576.0);
        }
        load.get();
        pool.shutdown();
        return series;
    }

    /** Until every accepted message is delivered and the stage queue is empty: seconds it took, or null at the timeout. */
    private Double drain(long expected, long drainTimeoutMs) throws Exception {
        long start = System.nanoTime();
        while (System.nanoTime() - start < drainTimeoutMs * 1_000_000L) {
            if (probe.delivered() >= expected && probe.queued() == 0) {
                return (System.nanoTime() - start) / 1e9;
            }
            Thread.sleep(250);
        }
        return null;
    }

    /** {@code sessions} connections, together sending {@code total} messages or until {@code loadEnd}; paced when rate &gt; 0. */
    private void runSessions(int rate, int total, long start, long loadEnd) throws Exception {
        long first = sequence.get();
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            running.add(pool.submit(() -> {
                session(rate, first, first + total, start, loadEnd);
                return null;
            }));
        }
        for (Future<?> session : running) {
            session.get();
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.MINUTES);
    }

    private void session(int rate, long first, long end, long start, long loadEnd) throws Exception {
        RawDataSmtpClient client = RawDataSmtpClient.connect(smtpPort);
        try {
            while (true) {
                long number = sequence.getAndIncrement();
                if (number >= end) {
                    break;
                }
                if (rate > 0) {
                    Pacing.sleepUntil(start + (number - first) * 1_000_000_000L / rate);
                }
                if (System.nanoTime() >= loadEnd) {
                    break;
                }
                String to = "user" + (number % users) + "@" + domain;
                int reply = client.send(to, SmtpAcceptLoad.headers(to, number, SmtpAcceptLoad.messageId()), body, latency);
                (reply == 250 ? accepted : reply == 451 ? refused : otherReplies).incrementAndGet();
            }
            client.logout();
        } finally {
            client.disconnect();
        }
    }

    /** James's heap in use now (the JVM gauge James registers, on WebAdmin's /metrics). */
    private long heapUsed() throws IOException, InterruptedException {
        for (String line : webAdmin.get("/metrics").split("\n")) {
            if (line.startsWith("jvm_memory_heap_used ")) {
                return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
            }
        }
        throw new IOException("no jvm_memory_heap_used on /metrics");
    }

    /** Heap still in use after a full GC of James's JVM (jcmd GC.run): what it retains, not its garbage. */
    private long retainedHeap() throws Exception {
        Process jcmd = new ProcessBuilder("jcmd", Long.toString(jamesPid), "GC.run").redirectErrorStream(true).start();
        String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (jcmd.waitFor() != 0) {
            throw new IOException("jcmd " + jamesPid + " GC.run failed: " + output);
        }
        return heapUsed();
    }

    private static String check(boolean passed, String format, Object... values) {
        return (passed ? "PASS " : "FAIL ") + String.format(format, values);
    }

    private static void writeCsv(Path csv, List<Sample> series) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("t_s,ready,state,reason,accepted_per_s,refused_per_s,heap_used_bytes");
        series.forEach(s -> lines.add(String.format("%.1f,%d,%s,%s,%d,%d,%d", s.tS(), s.ready(), s.state(), s.reason(),
            s.acceptedPerS(), s.refusedPerS(), s.heapUsedBytes())));
        Files.write(csv, lines);
    }
}
