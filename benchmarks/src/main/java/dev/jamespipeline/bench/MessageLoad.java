package dev.jamespipeline.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * SMTP load in the background for the search benchmark: {@code sessions} connections send
 * messages 0..count-1 between them, each built by a {@link Source}, as fast as the server answers
 * or paced to a total rate (message n is due n / rate seconds after the start). Times the end of
 * DATA to the reply (HdrHistogram) and counts 250 answers.
 */
final class MessageLoad {

    /** Builds message {@code number}: its one recipient and its content (headers and body). */
    interface Source {
        Outgoing message(long number) throws Exception;
    }

    record Outgoing(String recipient, byte[] content) {
    }

    /**
     * What the load did: messages sent, answered 250 and answered otherwise, over {@code seconds}
     * (start to last reply), and the accept latency.
     */
    record Result(long sent, long accepted, long refused, double seconds, double acceptedMsgPerS, double p50Ms,
                  double p99Ms, double maxMs) {
    }

    private static final byte[] NO_BODY = new byte[0];

    private final int port;
    private final int sessions;
    private final Source source;
    private final AtomicLong next = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Recorder latency = new Recorder(3);
    private final List<Future<?>> running = new ArrayList<>();
    private ExecutorService pool;
    private long startNanos;
    private final AtomicLong lastReplyNanos = new AtomicLong();

    MessageLoad(int port, int sessions, Source source) {
        if (sessions < 1) {
            throw new IllegalArgumentException("at least one SMTP session, got " + sessions);
        }
        this.port = port;
        this.sessions = sessions;
        this.source = source;
    }

    /** Starts sending {@code count} messages; {@code rate} 0 means as fast as the server answers. */
    void start(long count, int rate) {
        startNanos = System.nanoTime();
        lastReplyNanos.set(startNanos);
        pool = Executors.newFixedThreadPool(sessions);
        for (int s = 0; s < sessions; s++) {
            running.add(pool.submit(() -> {
                session(count, rate);
                return null;
            }));
        }
    }

    long startNanos() {
        return startNanos;
    }

    long accepted() {
        return accepted.get();
    }

    boolean isDone() {
        return running.stream().allMatch(Future::isDone);
    }

    /** Sends no further message; those under way finish. */
    void stop() {
        stopped.set(true);
    }

    /** Waits for every session to end; a session's failure (connection refused, ...) is thrown here. */
    Result await() throws Exception {
        try {
            for (Future<?> session : running) {
                session.get();
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (lastReplyNanos.get() - startNanos) / 1e9;
        Histogram histogram = latency.getIntervalHistogram();
        return new Result(sent.get(), accepted.get(), refused.get(), seconds, seconds > 0 ? accepted.get() / seconds : 0,
            histogram.getValueAtPercentile(50) / 1e6, histogram.getValueAtPercentile(99) / 1e6, histogram.getMaxValue() / 1e6);
    }

    private void session(long count, int rate) throws Exception {
        RawDataSmtpClient client = RawDataSmtpClient.connect(port);
        try {
            for (long number = next.getAndIncrement(); number < count && !stopped.get(); number = next.getAndIncrement()) {
                if (rate > 0) {
                    Pacing.sleepUntil(startNanos + number * 1_000_000_000L / rate);
                }
                Outgoing message = source.message(number);
                int reply = client.send(message.recipient(), message.content(), NO_BODY, latency);
                sent.incrementAndGet();
                (reply == 250 ? accepted : refused).incrementAndGet();
                lastReplyNanos.accumulateAndGet(System.nanoTime(), Math::max);
            }
            client.logout();
        } finally {
            client.disconnect();
        }
    }
}
