package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * One end-to-end run as EndToEndLoad writes it: sustained SMTP load for {@code loadSeconds}, then
 * what reached the mailboxes, and a sample per second of accepted, delivered and waiting messages.
 * {@code drainedAfterS} is null when not everything was delivered before the drain timeout.
 * {@code search} is what became searchable, for a run on our server main; null for the others
 * (and in runs written before it was measured).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record EndToEndRun(
        @JsonProperty("variant") String variant,
        @JsonProperty("sessions") int sessions,
        @JsonProperty("size") int size,
        @JsonProperty("users") int users,
        @JsonProperty("target_rate") int targetRate,
        @JsonProperty("load_seconds") double loadSeconds,
        @JsonProperty("accepted") long accepted,
        @JsonProperty("tempfailed") long tempfailed,
        @JsonProperty("accepted_msg_per_s") double acceptedMsgPerS,
        @JsonProperty("accept_p50_ms") double acceptP50Ms,
        @JsonProperty("accept_p99_ms") double acceptP99Ms,
        @JsonProperty("delivered") long delivered,
        @JsonProperty("delivered_during_load") long deliveredDuringLoad,
        @JsonProperty("drained_after_s") Double drainedAfterS,
        @JsonProperty("delivered_msg_per_s") double deliveredMsgPerS,
        @JsonProperty("max_backlog") long maxBacklog,
        @JsonProperty("how_counted") String howCounted,
        @JsonProperty("series") List<Sample> series,
        @JsonProperty("search") Search search) {

    /**
     * One second of the run: t seconds after the load started. Backlog = accepted − delivered;
     * searchable and search backlog (accepted − searchable) are null when search is not measured.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Sample(
            @JsonProperty("t_s") double tS,
            @JsonProperty("accepted") long accepted,
            @JsonProperty("delivered") long delivered,
            @JsonProperty("backlog") long backlog,
            @JsonProperty("queued") long queued,
            @JsonProperty("searchable") Long searchable,
            @JsonProperty("search_backlog") Long searchBacklog) {
    }

    /**
     * SMTP → searchable: documents in the index at the end, when it first held every accepted
     * message ({@code searchableAfterS}, null if the drain timeout passed first), searchable
     * messages per second over that time, the largest search backlog, and the measured 250 →
     * searchable latency of the sampled messages.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Search(
            @JsonProperty("index") String index,
            @JsonProperty("searchable") long searchable,
            @JsonProperty("searchable_after_s") Double searchableAfterS,
            @JsonProperty("searchable_msg_per_s") double searchableMsgPerS,
            @JsonProperty("max_search_backlog") long maxSearchBacklog,
            @JsonProperty("latency") SearchLatency latency) {
    }

    /**
     * 250 → first seen in a search, for one accepted message in {@code sampleEvery}, polled every
     * {@code pollMs}: {@code samples} seen (percentiles over them, null when none), {@code unseen}
     * sampled but not seen by the end, {@code skipped} not sampled because the pending set was full,
     * {@code failedPolls} searches that got no answer.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record SearchLatency(
            @JsonProperty("sample_every") int sampleEvery,
            @JsonProperty("poll_ms") long pollMs,
            @JsonProperty("samples") long samples,
            @JsonProperty("unseen") long unseen,
            @JsonProperty("skipped") long skipped,
            @JsonProperty("failed_polls") long failedPolls,
            @JsonProperty("p50_ms") Double p50Ms,
            @JsonProperty("p99_ms") Double p99Ms,
            @JsonProperty("max_ms") Double maxMs) {
    }

    static EndToEndRun read(Path json) throws IOException {
        return new ObjectMapper().readValue(json.toFile(), EndToEndRun.class);
    }

    void write(Path json) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), this);
    }
}
