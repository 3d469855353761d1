package dev.jamespipeline.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Sustained SMTP → INBOX: {@code sessions} connections send for {@code seconds} (as fast as the
 * server answers, or paced to {@code rate} messages/s in total), round-robin to
 * {@code user0..userN-1@domain}. Once a second, during the load and after it until everything
 * accepted is delivered (or the drain timeout passes), it samples accepted (250 answers),
 * delivered and queued (from a {@link DeliveryProbe}), and backlog = accepted − delivered. With
 * {@code search}, on our server main, also searchable and search backlog = accepted − searchable
 * until the index holds every accepted message too, and the 250 → searchable latency of sampled
 * messages (a {@link SearchableProbe}). Prints the series and a summary and writes the run as JSON.
 *
 * <p>Usage: {@code java -cp smtp-load.jar dev.jamespipeline.bench.EndToEndLoad OUT_JSON VARIANT SMTP_PORT SESSIONS SECONDS RATE
 * SIZE DOMAIN USERS DRAIN_TIMEOUT_S [search OPENSEARCH_URL INDEX SAMPLE_EVERY] PROBE...} where PROBE is
 * {@code pipeline AMQP_URI TOPOLOGY_PREFIX STAGE_QUEUE...} or {@code stock WEBADMIN_PORT}; RATE 0 means as fast as
 * the server answers; SAMPLE_EVERY N: the latency of one accepted message in N is measured.
 */
public final class EndToEndLoad {
    private static final long SAMPLE_EVERY_MS = 1000;
    /** How long sampled messages still pending may take to be found once the count says all are searchable. */
    private static final long LATENCY_GRACE_MS = 5000;

    public static void main(String[] args) throws Exception {
        if (args.length < 12) {
            System.err.println("usage: OUT_JSON VARIANT SMTP_PORT SESSIONS SECONDS RATE SIZE DOMAIN USERS DRAIN_TIMEOUT_S"
                + " [search OPENSEARCH_URL INDEX SAMPLE_EVERY] (pipeline AMQP_URI TOPOLOGY_PREFIX STAGE_QUEUE... | stock WEBADMIN_PORT)");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        String variant = args[1];
        int port = Integer.parseInt(args[2]);
        int sessions = Integer.parseInt(args[3]);
        int seconds = Integer.parseInt(args[4]);
        int rate = Integer.parseInt(args[5]);
        int size = Integer.parseInt(args[6]);
        String domain = args[7];
        int users = Integer.parseInt(args[8]);
        long drainTimeoutMs = Long.parseLong(args[9]) * 1000;
        List<String> spec = List.of(args).subList(10, args.length);
        boolean searched = spec.get(0).equals("search");
        try (SearchableProbe search = searched
                ? new SearchableProbe(new OpenSearchHttp(URI.create(spec.get(1))), spec.get(2), Integer.parseInt(spec.get(3))) : null;
             DeliveryProbe probe = probe(spec.subList(searched ? 4 : 0, spec.size()), domain, users)) {
            EndToEndLoad load = new EndToEndLoad(port, sessions, rate, size, domain, users, search);
            EndToEndRun run = load.run(variant, seconds, drainTimeoutMs, probe);
            run.write(out);
            System.out.printf("%s accepted=%d tempfailed=%d accepted_msg_per_s=%.1f accept_p50_ms=%.2f accept_p99_ms=%.2f"
                    + " delivered=%d delivered_during_load=%d drained_after_s=%s delivered_msg_per_s=%.1f max_backlog=%d%n",
                variant, run.accepted(), run.tempfailed(), run.acceptedMsgPerS(), run.acceptP50Ms(), run.acceptP99Ms(),
                run.delivered(), run.deliveredDuringLoad(), run.drainedAfterS() == null ? "not-drained" : String.format("%.1f", run.drainedAfterS()),
                run.deliveredMsgPerS(), run.maxBacklog());
            if (run.search() != null) {
                EndToEndRun.Search searchable = run.search();
                EndToEndRun.SearchLatency latency = searchable.latency();
                System.out.printf("%s searchable=%d searchable_after_s=%s searchable_msg_per_s=%.1f max_search_backlog=%d"
                        + " searchable_p50_ms=%s searchable_p99_ms=%s searchable_max_ms=%s latency_samples=%d unseen=%d skipped=%d"
                        + " failed_polls=%d (1 in %d, polled every %d ms)%n",
                    variant, searchable.searchable(), searchable.searchableAfterS() == null ? "not-searchable"
                        : String.format("%.1f", searchable.searchableAfterS()), searchable.searchableMsgPerS(),
                    searchable.maxSearchBacklog(), latency.p50Ms(), latency.p99Ms(), latency.maxMs(), latency.samples(), latency.unseen(),
                    latency.skipped(), latency.failedPolls(), latency.sampleEvery(), latency.pollMs());
            }
        }
    }

    private static DeliveryProbe probe(List<String> spec, String domain, int users) throws Exception {
        return switch (spec.get(0)) {
            case "pipeline" -> new PipelineDeliveryProbe(spec.get(1), spec.get(2), spec.subList(3, spec.size()));
            case "stock" -> new StockJamesProbe(Integer.parseInt(spec.get(1)), SmtpAcceptLoad.users(domain, users));
            default -> throw new IllegalArgumentException("unknown probe '" + spec.get(0) + "': pipeline or stock");
        };
    }

    private final int port;
    private final int sessions;
    private final int rate;
    private final int size;
    private final byte[] body;
    private final String domain;
    private final int users;
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong tempfailed = new AtomicLong();
    private final Recorder latency = new Recorder(3);
    /** Null when searchability is not measured. */
    private final SearchableProbe search;

    private EndToEndLoad(int port, int sessions, int rate, int size, String domain, int users, SearchableProbe search) {
        this.port = port;
        this.sessions = sessions;
        this.rate = rate;
        this.size = size;
        this.body = SmtpAcceptLoad.body(size).getBytes(StandardCharsets.US_ASCII);
        this.domain = domain;
        this.users = users;
        this.search = search;
    }

    private EndToEndRun run(String variant, int seconds, long drainTimeoutMs, DeliveryProbe probe) throws Exception {
        String howCounted = probe.howCounted() + (search == null ? "" : "; " + search.howCounted());
        System.out.println("# " + variant + ": " + howCounted);
        System.out.println("# t_s accepted delivered backlog queued" + (search == null ? "" : " searchable search_backlog"));
        long start = System.nanoTime();
        long loadEnd = start + seconds * 1_000_000_000L;
        ExecutorService pool = Executors.newFixedThreadPool(sessions);
        List<Future<?>> running = new ArrayList<>();
        for (int s = 0; s < sessions; s++) {
            running.add(pool.submit(() -> {
                session(start, loadEnd);
                return null;
            }));
        }
        List<EndToEndRun.Sample> series = new ArrayList<>();
        long deliveredDuringLoad = -1;
        Double drainedAfterS = null;
        Double searchableAfterS = null;
        long drainDeadline = loadEnd + drainTimeoutMs * 1_000_000L;
        for (long tick = 1; ; tick++) {
            Pacing.sleepUntil(start + tick * SAMPLE_EVERY_MS * 1_000_000L);
            boolean loadRunning = System.nanoTime() < loadEnd || running.stream().anyMatch(future -> !future.isDone());
            EndToEndRun.Sample sample = sample(start, probe);
            series.add(sample);
            System.out.printf("%.0f %d %d %d %d%s%n", sample.tS(), sample.accepted(), sample.delivered(), sample.backlog(), sample.queued(),
                search == null ? "" : " " + sample.searchable() + " " + sample.searchBacklog());
            if (!loadRunning && deliveredDuringLoad < 0) {
                deliveredDuringLoad = sample.delivered();
            }
            if (!loadRunning && drainedAfterS == null && sample.backlog() <= 0) {
                drainedAfterS = sample.tS();
            }
            if (!loadRunning && search != null && searchableAfterS == null && sample.searchBacklog() <= 0) {
                searchableAfterS = sample.tS();
            }
            if (drainedAfterS != null && (search == null || searchableAfterS != null)) {
                break;
            }
            if (System.nanoTime() > drainDeadline) {
                break;
            }
        }
        for (Future<?> session : running) {
            session.get();
        }
        pool.shutdown();
        EndToEndRun.Sample last = series.get(series.size() - 1);
        Histogram accept = latency.getIntervalHistogram();
        EndToEndRun.Search searched = search == null ? null : new EndToEndRun.Search(search.index(), last.searchable(),
            searchableAfterS, perSecond(last.searchable(), searchableAfterS, last),
            series.stream().mapToLong(EndToEndRun.Sample::searchBacklog).max().orElse(0), search.latency(LATENCY_GRACE_MS));
        return new EndToEndRun(variant, sessions, size, users, rate, seconds, accepted.get(), tempfailed.get(),
            accepted.get() / (double) seconds, accept.getValueAtPercentile(50) / 1e6, accept.getValueAtPercentile(99) / 1e6,
            last.delivered(), deliveredDuringLoad, drainedAfterS, perSecond(last.delivered(), drainedAfterS, last),
            series.stream().mapToLong(EndToEndRun.Sample::backlog).max().orElse(0), howCounted, series, searched);
    }

    /** Messages per second from the start until all were through ({@code afterS}), or until the last sample if they never were. */
    private static double perSecond(long messages, Double afterS, EndToEndRun.Sample last) {
        return messages / (afterS != null ? afterS : last.tS());
    }

    /**
     * Delivered and searchable are read before accepted: a server may deliver (and index) a message
     * before its 250 reaches us, and the other order would then show more of them than accepted.
     */
    private EndToEndRun.Sample sample(long start, DeliveryProbe probe) throws Exception {
        double at = Math.round((System.nanoTime() - start) / 1e8) / 10.0;
        long delivered = probe.delivered();
        Long searchable = search == null ? null : search.searchable();
        long acceptedSoFar = accepted.get();
        return new EndToEndRun.Sample(at, acceptedSoFar, delivered, acceptedSoFar - delivered, probe.queued(),
            searchable, searchable == null ? null : acceptedSoFar - searchable);
    }

    /** One connection sending until the load ends; paced when a total rate is set (message n is due at n / rate s). */
    private void session(long start, long loadEnd) throws Exception {
        RawDataSmtpClient client = RawDataSmtpClient.connect(port);
        try {
            while (true) {
                long number = sequence.getAndIncrement();
                if (rate > 0) {
                    Pacing.sleepUntil(start + number * 1_000_000_000L / rate);
                }
                if (System.nanoTime() >= loadEnd) {
                    break;
                }
                String to = "user" + (number % users) + "@" + domain;
                String messageId = SmtpAcceptLoad.messageId();
                int reply = client.send(to, SmtpAcceptLoad.headers(to, number, messageId), body, latency);
                if (reply == 250) {
                    long answeredAt = System.nanoTime();
                    accepted.incrementAndGet();
                    if (search != null) {
                        search.accepted(number, messageId, answeredAt);
                    }
                } else {
                    tempfailed.incrementAndGet();
                }
            }
            client.logout();
        } finally {
            client.disconnect();
        }
    }
}
