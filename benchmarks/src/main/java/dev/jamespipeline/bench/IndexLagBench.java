package dev.jamespipeline.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Index lag under sustained load, on James with our server main: the mixed series
 * ({@link SearchBenchMessages#mixed}, some with a PDF) at a fixed offered rate, round-robin to
 * {@code user0..userN-1@domain}. Once a second it samples accepted messages and the documents
 * searchable in the index ({@code _count}), during the load and after it until the index holds
 * every accepted message (or the catch-up timeout passes); then reads the index lag the server
 * measured ({@code GET /pipeline/search}: five-minute window, so this run only on a fresh server).
 * Writes the run as JSON.
 *
 * <p>Usage: {@code IndexLagBench OUT_JSON SMTP_PORT WEBADMIN_PORT OPENSEARCH_URL INDEX DOMAIN USERS SESSIONS
 * RATE SECONDS BODY_SIZE PDF_EVERY CATCH_UP_TIMEOUT_S}
 */
public final class IndexLagBench {
    private static final long SAMPLE_MS = 1000;

    public record Sample(double tS, long accepted, long indexed) {
    }

    /** The server's own lag histogram, as {@code GET /pipeline/search} gives it. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Lag(long samples, double p50Millis, double p99Millis, long maxMillis) {
    }

    /**
     * @param loadEndS          the first sample after the last message was answered, in seconds since the load started
     * @param indexedAtLoadEnd  documents searchable at that sample
     * @param caughtUpS         when the index held every accepted message; null if not within the timeout
     */
    public record Run(int users, int sessions, int rate, int seconds, int bodySize, int pdfEvery, MessageLoad.Result load,
                      long indexed, double loadEndS, long indexedAtLoadEnd, Double caughtUpS, double docsPerSDuringLoad,
                      double docsPerSOverall, double peakDocsPerS, Lag lag, List<Sample> series) {

        static Run read(Path json) throws IOException {
            return new ObjectMapper().readValue(json.toFile(), Run.class);
        }
    }

    private IndexLagBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 13) {
            System.err.println("usage: OUT_JSON SMTP_PORT WEBADMIN_PORT OPENSEARCH_URL INDEX DOMAIN USERS SESSIONS RATE SECONDS"
                + " BODY_SIZE PDF_EVERY CATCH_UP_TIMEOUT_S");
            System.exit(2);
        }
        int smtpPort = Integer.parseInt(args[1]);
        int webAdminPort = Integer.parseInt(args[2]);
        OpenSearchHttp openSearch = new OpenSearchHttp(URI.create(args[3]));
        String index = args[4];
        List<String> users = SmtpAcceptLoad.users(args[5], Integer.parseInt(args[6]));
        int sessions = Integer.parseInt(args[7]);
        int rate = Integer.parseInt(args[8]);
        int seconds = Integer.parseInt(args[9]);
        int bodySize = Integer.parseInt(args[10]);
        int pdfEvery = Integer.parseInt(args[11]);
        long catchUpTimeoutMs = Long.parseLong(args[12]) * 1000;
        if (rate < 1 || seconds < 1) {
            throw new IllegalArgumentException("RATE and SECONDS must be positive, got " + rate + " and " + seconds);
        }
        SearchBenchMessages content = new SearchBenchMessages(bodySize, pdfEvery);

        MessageLoad load = new MessageLoad(smtpPort, sessions, number -> {
            String to = users.get((int) (number % users.size()));
            return new MessageLoad.Outgoing(to, content.mixed(number, to));
        });
        System.out.printf("# index lag: %d msg/s for %d s over %d sessions to %d mailboxes, %d-byte bodies, a PDF every %d messages%n",
            rate, seconds, sessions, users.size(), bodySize, pdfEvery);
        System.out.println("# t_s accepted indexed");
        load.start((long) rate * seconds, rate);
        List<Sample> series = new ArrayList<>();
        double loadEndS = -1;
        long indexedAtLoadEnd = 0;
        Double caughtUpS = null;
        for (long tick = 1; ; tick++) {
            Thread.sleep(Math.max(0, load.startNanos() / 1_000_000 + tick * SAMPLE_MS - System.nanoTime() / 1_000_000));
            boolean sendingDone = load.isDone();
            Sample sample = new Sample((System.nanoTime() - load.startNanos()) / 1e9, load.accepted(), openSearch.count(index, null));
            series.add(sample);
            System.out.printf("%.0f %d %d%n", sample.tS(), sample.accepted(), sample.indexed());
            if (sendingDone && loadEndS < 0) {
                loadEndS = sample.tS();
                indexedAtLoadEnd = sample.indexed();
            }
            if (sendingDone && sample.indexed() >= sample.accepted()) {
                caughtUpS = sample.tS();
                break;
            }
            if (loadEndS >= 0 && (sample.tS() - loadEndS) * 1000 > catchUpTimeoutMs) {
                break;
            }
        }
        MessageLoad.Result result = load.await();
        Lag lag = lag(webAdminPort);
        Sample last = series.get(series.size() - 1);
        Run run = new Run(users.size(), sessions, rate, seconds, bodySize, pdfEvery, result, last.indexed(), loadEndS,
            indexedAtLoadEnd, caughtUpS, indexedAtLoadEnd / loadEndS, last.indexed() / last.tS(), peak(series), lag, series);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(args[0]).toFile(), run);
        System.out.printf("accepted %d of %d, %d refused (%.1f msg/s, SMTP p50 %.2f ms, p99 %.2f ms); indexed %d, %s; index lag p50 %.0f ms,"
                + " p99 %.0f ms, max %d ms over %d samples; indexing %.1f docs/s during the load, %.1f overall, peak %.0f%n",
            result.accepted(), result.sent(), result.refused(), result.acceptedMsgPerS(), result.p50Ms(), result.p99Ms(), last.indexed(),
            caughtUpS == null ? "not caught up within the timeout" : String.format("caught up at %.0f s", caughtUpS),
            lag.p50Millis(), lag.p99Millis(), lag.maxMillis(), lag.samples(), run.docsPerSDuringLoad(), run.docsPerSOverall(),
            run.peakDocsPerS());
        if (result.accepted() == 0) {
            System.out.println("FAILED: the server accepted none of the " + result.sent() + " messages: there is no lag to measure (see James's log)");
            System.exit(1);
        }
    }

    /** The largest number of documents that became searchable within one sampling second. */
    private static double peak(List<Sample> series) {
        double peak = 0;
        for (int i = 1; i < series.size(); i++) {
            Sample before = series.get(i - 1);
            Sample after = series.get(i);
            peak = Math.max(peak, (after.indexed() - before.indexed()) / (after.tS() - before.tS()));
        }
        return peak;
    }

    private static Lag lag(int webAdminPort) throws IOException, InterruptedException {
        String body = new WebAdmin(webAdminPort).get("/pipeline/search");
        return new ObjectMapper().readerFor(Lag.class).readValue(new ObjectMapper().readTree(body).path("lag"));
    }
}
