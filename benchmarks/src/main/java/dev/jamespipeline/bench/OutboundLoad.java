package dev.jamespipeline.bench;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Outbound delivery: {@code MESSAGES} messages of {@code SIZE} bytes submitted over SMTP to the server under test on
 * 127.0.0.1:{@code PORT} by {@code SESSIONS} sessions, message n to {@code user(n / DOMAINS % 10)@d(n % DOMAINS).outbound.test}
 * (every domain has an MX at the smtp-sink), as fast as the server answers; the sink's arrivals are sampled every
 * 100 ms until all accepted messages arrived or {@code DRAIN_S} seconds passed. Prints one summary line (delivered
 * msg/s = arrivals / the time from the first submission to the last arrival) and the arrivals of each second.
 * <p>Usage: {@code OutboundLoad LABEL PORT SESSIONS MESSAGES SIZE DOMAINS SINK_COUNTER_FILE DRAIN_S}
 */
public final class OutboundLoad {

    public static void main(String[] args) throws Exception {
        if (args.length != 8) {
            System.err.println("usage: LABEL PORT SESSIONS MESSAGES SIZE DOMAINS SINK_COUNTER_FILE DRAIN_S");
            System.exit(2);
        }
        String label = args[0];
        int port = Integer.parseInt(args[1]);
        int sessions = Integer.parseInt(args[2]);
        long messages = Long.parseLong(args[3]);
        byte[] body = SmtpAcceptLoad.body(Integer.parseInt(args[4])).getBytes(StandardCharsets.US_ASCII);
        int domains = Integer.parseInt(args[5]);
        SinkArrivals sink = new SinkArrivals(Path.of(args[6]));
        long drainNanos = Long.parseLong(args[7]) * 1_000_000_000L;

        long before = sink.count();
        MessageLoad load = new MessageLoad(port, sessions, number -> {
            String to = "user" + (number / domains % 10) + "@d" + (number % domains) + ".outbound.test";
            ByteArrayOutputStream content = new ByteArrayOutputStream();
            content.write(SmtpAcceptLoad.headers(to, number, SmtpAcceptLoad.messageId()));
            content.write(body);
            return new MessageLoad.Outgoing(to, content.toByteArray());
        });
        load.start(messages, 0);
        long start = load.startNanos();
        List<Long> perSecond = new ArrayList<>();
        long lastArrival = start;
        long arrived = 0;
        long counted = 0;
        MessageLoad.Result submitted = null;
        while (true) {
            Thread.sleep(100);
            long now = System.nanoTime();
            long count = sink.count() - before;
            if (count > arrived) {
                arrived = count;
                lastArrival = now;
            }
            while ((now - start) / 1_000_000_000L >= perSecond.size() + 1) {
                perSecond.add(arrived - counted);
                counted = arrived;
            }
            if (submitted == null && load.isDone()) {
                submitted = load.await();
            }
            if (submitted != null && (arrived >= submitted.accepted() || now - start > drainNanos)) {
                break;
            }
        }
        double seconds = (lastArrival - start) / 1e9;
        System.out.printf(Locale.ROOT, "%s messages=%d sessions=%d domains=%d accepted=%d refused=%d accept_msg_per_s=%.1f accept_p50_ms=%.2f"
                + " accept_p99_ms=%.2f delivered=%d all_delivered=%s last_arrival_after_s=%.2f delivered_msg_per_s=%.1f%n",
            label, messages, sessions, domains, submitted.accepted(), submitted.refused(), submitted.acceptedMsgPerS(), submitted.p50Ms(),
            submitted.p99Ms(), arrived, arrived >= submitted.accepted(), seconds, seconds > 0 ? arrived / seconds : 0);
        System.out.println(label + " arrivals per second: " + perSecond);
        if (arrived < submitted.accepted()) {
            System.exit(1);
        }
    }
}
