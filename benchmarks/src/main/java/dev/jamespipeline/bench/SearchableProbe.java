package dev.jamespipeline.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * When accepted messages become searchable, read from OpenSearch as any search client sees the
 * index (after the product's own refresh, about 1 s; this probe never refreshes): the index's
 * document count ({@code _count}), and the 250 → searchable latency of one accepted message in
 * {@code sampleEvery}, measured per message. A sampled message's Message-ID and the time its 250
 * arrived wait in a pending set (at most {@value #MAX_PENDING}; a sample that finds it full is
 * skipped and counted); a watcher thread asks, {@value #POLL_MS} ms after its previous answer, with
 * one {@code terms} query on {@value #FIELD} (keyword: the header value as sent, angle brackets
 * included) which pending messages the index holds, and records for each found its time to that
 * answer.
 */
final class SearchableProbe implements AutoCloseable {
    static final long POLL_MS = 200;
    /** Pending messages at most: also the terms of one query and the hits of one answer. */
    private static final int MAX_PENDING = 2000;
    private static final String FIELD = "mimeMessageId";

    private final OpenSearchHttp openSearch;
    private final String index;
    private final int sampleEvery;
    /** Message-ID → {@link System#nanoTime()} when its 250 arrived. */
    private final Map<String, Long> pending = new ConcurrentHashMap<>();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong failedPolls = new AtomicLong();
    /** Milliseconds from 250 to found; recorded by the watcher only, read once it has stopped. */
    private final Histogram latencyMs = new Histogram(3);
    private final Thread watcher;

    SearchableProbe(OpenSearchHttp openSearch, String index, int sampleEvery) {
        if (sampleEvery < 1) {
            throw new IllegalArgumentException("sample every N messages needs N ≥ 1, got " + sampleEvery);
        }
        this.openSearch = openSearch;
        this.index = index;
        this.sampleEvery = sampleEvery;
        this.watcher = new Thread(this::watch, "searchable-watcher");
        watcher.setDaemon(true);
        watcher.start();
    }

    String index() {
        return index;
    }

    /** Documents the index holds, as a search sees them now. */
    long searchable() throws IOException, InterruptedException {
        return openSearch.count(index, null);
    }

    /** Message {@code number} was answered 250 at {@code answeredAt} (nanoTime); sampled if number is a multiple of N. */
    void accepted(long number, String messageId, long answeredAt) {
        if (number % sampleEvery != 0) {
            return;
        }
        if (pending.size() >= MAX_PENDING) {
            skipped.incrementAndGet();
            return;
        }
        pending.put(messageId, answeredAt);
    }

    /**
     * The latency of the sampled messages, after waiting up to {@code graceMs} for the pending ones
     * to be found; stops the watcher. Those still pending count as unseen.
     */
    EndToEndRun.SearchLatency latency(long graceMs) throws InterruptedException {
        long deadline = System.nanoTime() + graceMs * 1_000_000;
        while (!pending.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MS);
        }
        close();
        boolean seen = latencyMs.getTotalCount() > 0;
        return new EndToEndRun.SearchLatency(sampleEvery, POLL_MS, latencyMs.getTotalCount(), pending.size(), skipped.get(),
            failedPolls.get(), seen ? (double) latencyMs.getValueAtPercentile(50) : null,
            seen ? (double) latencyMs.getValueAtPercentile(99) : null, seen ? (double) latencyMs.getMaxValue() : null);
    }

    String howCounted() {
        return "searchable = " + index + "/_count once a second (the product's own ~1 s refresh, none forced);"
            + " 250 → searchable = for 1 message in " + sampleEvery + ", from its 250 to the first answer of a terms query on "
            + FIELD + " (its Message-ID) that finds it, asked " + POLL_MS + " ms after the previous answer (resolution "
            + POLL_MS + " ms + the query's time; at most " + MAX_PENDING + " pending, samples beyond are skipped)";
    }

    private void watch() {
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(POLL_MS);
                poll();
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (failedPolls.getAndIncrement() == 0) {
                    System.err.println("# searchable watcher: a poll failed (counted, polling goes on): " + e);
                }
            }
        }
    }

    private void poll() throws IOException, InterruptedException {
        List<String> ids = List.copyOf(pending.keySet());
        if (ids.isEmpty()) {
            return;
        }
        ObjectNode body = openSearch.json().createObjectNode();
        body.put("size", ids.size());
        body.putArray("_source").add(FIELD);
        ArrayNode terms = body.putObject("query").putObject("terms").putArray(FIELD);
        ids.forEach(terms::add);
        JsonNode hits = openSearch.search(index, body).path("hits").path("hits");
        long answeredAt = System.nanoTime();
        for (JsonNode hit : hits) {
            Long acceptedAt = pending.remove(hit.path("_source").path(FIELD).asText());
            if (acceptedAt != null) {
                latencyMs.recordValue(Math.max(0, (answeredAt - acceptedAt) / 1_000_000));
            }
        }
    }

    /** Stops the watcher (idempotent). */
    @Override
    public void close() throws InterruptedException {
        watcher.interrupt();
        watcher.join();
    }
}
