package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Delivery into one growing INBOX: sends the threaded series ({@link SearchBenchMessages#threaded})
 * to one user and reads the INBOX's message count through WebAdmin every {@value #POLL_MS} ms,
 * noting when it crossed each {@value #BUCKET} messages. Stops once every accepted message is in
 * the INBOX, or at the time cap (then it sends no more and says so). Writes the run as JSON.
 * First, a warm-up of unrelated messages to another user, delivered before the measure starts, so
 * that the first bucket does not time the JIT and the first use of every code path.
 *
 * <p>Usage: {@code InboxGrowthBench OUT_JSON VARIANT SMTP_PORT WEBADMIN_PORT USER MESSAGES SESSIONS BODY_SIZE TIME_CAP_S
 * WARMUP_USER WARMUP_MESSAGES} with MESSAGES a multiple of {@value #BUCKET}.
 */
public final class InboxGrowthBench {
    static final int BUCKET = 1000;
    private static final long POLL_MS = 250;
    private static final long WARMUP_TIMEOUT_MS = 300_000;

    /** When the INBOX count reached {@code messages}, in seconds since the load started. */
    public record Crossing(long messages, double tS) {
    }

    /**
     * @param stoppedBy "all delivered" or "time cap"
     * @param delivered the INBOX count when it stopped
     * @param seconds   when it stopped, since the load started
     */
    public record Run(String variant, String user, long warmupMessages, long target, long timeCapS, MessageLoad.Result load,
                      long delivered, double seconds, String stoppedBy, List<Crossing> crossings) {

        static Run read(Path json) throws IOException {
            return new ObjectMapper().readValue(json.toFile(), Run.class);
        }

        /** Messages per second into the INBOX for each full bucket: BUCKET / time since the previous crossing. */
        List<Double> bucketRates() {
            List<Double> rates = new ArrayList<>();
            double previous = 0;
            for (Crossing crossing : crossings) {
                rates.add(BUCKET / (crossing.tS() - previous));
                previous = crossing.tS();
            }
            return rates;
        }
    }

    private InboxGrowthBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 11) {
            System.err.println("usage: OUT_JSON VARIANT SMTP_PORT WEBADMIN_PORT USER MESSAGES SESSIONS BODY_SIZE TIME_CAP_S"
                + " WARMUP_USER WARMUP_MESSAGES");
            System.exit(2);
        }
        String variant = args[1];
        int smtpPort = Integer.parseInt(args[2]);
        WebAdmin webAdmin = new WebAdmin(Integer.parseInt(args[3]));
        String user = args[4];
        long messages = Long.parseLong(args[5]);
        int sessions = Integer.parseInt(args[6]);
        SearchBenchMessages content = new SearchBenchMessages(Integer.parseInt(args[7]), 0);
        long timeCapS = Long.parseLong(args[8]);
        String warmupUser = args[9];
        long warmupMessages = Long.parseLong(args[10]);
        if (messages < BUCKET || messages % BUCKET != 0) {
            throw new IllegalArgumentException("MESSAGES must be a positive multiple of " + BUCKET + " (whole threads, whole buckets), got " + messages);
        }
        if (warmupUser.equals(user)) {
            throw new IllegalArgumentException("the warm-up goes to another user than the measured INBOX's, got " + user + " for both");
        }
        warmUp(variant, smtpPort, sessions, webAdmin, content, warmupUser, warmupMessages);

        MessageLoad load = new MessageLoad(smtpPort, sessions,
            number -> new MessageLoad.Outgoing(user, content.threaded(number, user)));
        System.out.printf("# %s: %d threaded messages to %s over %d sessions, time cap %d s%n", variant, messages, user, sessions, timeCapS);
        load.start(messages, 0);
        List<Crossing> crossings = new ArrayList<>();
        long delivered;
        double seconds;
        String stoppedBy;
        while (true) {
            Thread.sleep(POLL_MS);
            boolean sendingDone = load.isDone();
            delivered = webAdmin.inboxCountSum(List.of(user));
            seconds = (System.nanoTime() - load.startNanos()) / 1e9;
            while (delivered >= (crossings.size() + 1L) * BUCKET) {
                long mark = (crossings.size() + 1L) * BUCKET;
                double previous = crossings.isEmpty() ? 0 : crossings.get(crossings.size() - 1).tS();
                crossings.add(new Crossing(mark, seconds));
                System.out.printf("%s: %d in the INBOX at %.1f s (%.1f msg/s for the last %d)%n", variant, mark, seconds,
                    BUCKET / (seconds - previous), BUCKET);
            }
            if (sendingDone && delivered >= load.accepted()) {
                stoppedBy = "all delivered";
                break;
            }
            if (seconds >= timeCapS) {
                stoppedBy = "time cap";
                load.stop();
                break;
            }
        }
        MessageLoad.Result result = load.await();
        Run run = new Run(variant, user, warmupMessages, messages, timeCapS, result, delivered, seconds, stoppedBy, crossings);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(args[0]).toFile(), run);
        System.out.printf("%s: stopped by %s at %.1f s with %d of %d in the INBOX; SMTP accepted %d (%.1f msg/s, p50 %.2f ms, p99 %.2f ms), refused %d%n",
            variant, stoppedBy, seconds, delivered, messages, result.accepted(), result.acceptedMsgPerS(), result.p50Ms(),
            result.p99Ms(), result.refused());
    }

    private static void warmUp(String variant, int smtpPort, int sessions, WebAdmin webAdmin, SearchBenchMessages content,
                               String warmupUser, long messages) throws Exception {
        if (messages <= 0) {
            return;
        }
        MessageLoad warmup = new MessageLoad(smtpPort, sessions,
            number -> new MessageLoad.Outgoing(warmupUser, content.mixed(number, warmupUser)));
        warmup.start(messages, 0);
        MessageLoad.Result sent = warmup.await();
        long deadline = System.currentTimeMillis() + WARMUP_TIMEOUT_MS;
        while (webAdmin.inboxCountSum(List.of(warmupUser)) < sent.accepted()) {
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("the warm-up's " + sent.accepted() + " messages were not delivered within "
                    + WARMUP_TIMEOUT_MS / 1000 + " s");
            }
            Thread.sleep(POLL_MS);
        }
        System.out.printf("# %s: warm-up of %d messages to %s delivered after %.1f s%n", variant, sent.accepted(), warmupUser,
            (System.nanoTime() - warmup.startNanos()) / 1e9);
    }
}
