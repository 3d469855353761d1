package dev.jamespipeline.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Outbound delivery measured at an smtp-sink ({@link SinkArrivals}). Messages are submitted over SMTP to the server
 * under test on 127.0.0.1:{@code PORT} by {@code SESSIONS} sessions as fast as it answers; message n goes to
 * {@code user(n / DOMAINS % 10)@d(n % DOMAINS).outbound.test} (every domain has an MX at the sink). Arrivals are
 * sampled every 100 ms. Each command prints one summary line of {@code key=value} pairs and the arrivals of each
 * second.
 * <ul>
 * <li>{@code submit LABEL PORT SESSIONS MESSAGES SIZE DOMAINS}: submits only (the server holds delivery back).</li>
 * <li>{@code drain LABEL EXPECTED SINK_COUNTER_FILE DRAIN_S}: waits for a backlog of {@code EXPECTED} messages to
 * arrive once the server is let deliver; delivered msg/s = arrivals after the first / (last − first arrival).</li>
 * <li>{@code flow LABEL PORT SESSIONS MESSAGES SIZE DOMAINS SINK_COUNTER_FILE DRAIN_S}: submits while the server
 * delivers; delivered msg/s = arrivals / (last arrival − first submission).</li>
 * </ul>
 * Both waits end when all arrived or after {@code DRAIN_S} seconds (exit status 1 then).
 */
public final class OutboundLoad {
    private static final String USAGE = "usage: submit LABEL PORT SESSIONS MESSAGES SIZE DOMAINS"
        + " | drain LABEL EXPECTED SINK_COUNTER_FILE DRAIN_S | flow LABEL PORT SESSIONS MESSAGES SIZE DOMAINS SINK_COUNTER_FILE DRAIN_S";

    public static void main(String[] args) throws Exception {
        String command = args.length > 0 ? args[0] : "";
        int arguments = switch (command) {
            case "submit" -> 7;
            case "drain" -> 5;
            case "flow" -> 9;
            default -> -1;
        };
        if (args.length != arguments) {
            System.err.println(USAGE);
            System.exit(2);
        }
        boolean complete = switch (command) {
            case "submit" -> submit(args);
            case "drain" -> drain(args);
            default -> flow(args);
        };
        System.exit(complete ? 0 : 1);
    }

    private static boolean submit(String[] args) throws Exception {
        MessageLoad load = load(args);
        load.start(Long.parseLong(args[4]), 0);
        MessageLoad.Result submitted = load.await();
        System.out.println(args[1] + " " + accepted(submitted));
        return submitted.refused() == 0;
    }

    private static boolean drain(String[] args) throws Exception {
        long expected = Long.parseLong(args[2]);
        ArrivalWatch watch = new ArrivalWatch(new SinkArrivals(Path.of(args[3])));
        long deadline = System.nanoTime() + Long.parseLong(args[4]) * 1_000_000_000L;
        while (watch.arrived() < expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
            watch.sample();
        }
        double seconds = (watch.lastNanos() - watch.firstNanos()) / 1e9;
        System.out.printf(Locale.ROOT, "%s delivered=%d expected=%d all_delivered=%s first_to_last_arrival_s=%.2f delivered_msg_per_s=%.1f%n",
            args[1], watch.arrived(), expected, watch.arrived() >= expected, seconds, seconds > 0 ? (watch.arrived() - 1) / seconds : 0);
        System.out.println(args[1] + " arrivals per second: " + watch.perSecond());
        return watch.arrived() >= expected;
    }

    private static boolean flow(String[] args) throws Exception {
        ArrivalWatch watch = new ArrivalWatch(new SinkArrivals(Path.of(args[7])));
        long drainNanos = Long.parseLong(args[8]) * 1_000_000_000L;
        MessageLoad load = load(args);
        load.start(Long.parseLong(args[4]), 0);
        MessageLoad.Result submitted = null;
        while (submitted == null || watch.arrived() < submitted.accepted() && System.nanoTime() - load.startNanos() < drainNanos) {
            Thread.sleep(100);
            watch.sample();
            if (submitted == null && load.isDone()) {
                submitted = load.await();
            }
        }
        double seconds = watch.arrived() > 0 ? (watch.lastNanos() - load.startNanos()) / 1e9 : 0;
        System.out.printf(Locale.ROOT, "%s %s delivered=%d all_delivered=%s last_arrival_after_s=%.2f delivered_msg_per_s=%.1f%n",
            args[1], accepted(submitted), watch.arrived(), watch.arrived() >= submitted.accepted(), seconds,
            seconds > 0 ? watch.arrived() / seconds : 0);
        System.out.println(args[1] + " arrivals per second: " + watch.perSecond());
        return watch.arrived() >= submitted.accepted();
    }

    /** The load of arguments {@code LABEL PORT SESSIONS MESSAGES SIZE DOMAINS} after the command. */
    private static MessageLoad load(String[] args) {
        int port = Integer.parseInt(args[2]);
        int sessions = Integer.parseInt(args[3]);
        byte[] body = SmtpAcceptLoad.body(Integer.parseInt(args[5])).getBytes(StandardCharsets.US_ASCII);
        int domains = Integer.parseInt(args[6]);
        return new MessageLoad(port, sessions, number -> {
            String to = "user" + (number / domains % 10) + "@d" + (number % domains) + ".outbound.test";
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            content.write(SmtpAcceptLoad.headers(to, number, SmtpAcceptLoad.messageId()));
            content.write(body);
            return new MessageLoad.Outgoing(to, content.toByteArray());
        });
    }

    private static String accepted(MessageLoad.Result submitted) {
        return String.format(Locale.ROOT, "sent=%d accepted=%d refused=%d accept_msg_per_s=%.1f accept_p50_ms=%.2f accept_p99_ms=%.2f",
            submitted.sent(), submitted.accepted(), submitted.refused(), submitted.acceptedMsgPerS(), submitted.p50Ms(), submitted.p99Ms());
    }
}
