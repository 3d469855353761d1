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
        @JsonProperty("series") List<Sample> series) {

    /** One second of the run: t seconds after the load started. Backlog = accepted − delivered. */
    public record Sample(
            @JsonProperty("t_s") double tS,
            @JsonProperty("accepted") long accepted,
            @JsonProperty("delivered") long delivered,
            @JsonProperty("backlog") long backlog,
            @JsonProperty("queued") long queued) {
    }

    static EndToEndRun read(Path json) throws IOException {
        return new ObjectMapper().readValue(json.toFile(), EndToEndRun.class);
    }

    void write(Path json) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), this);
    }
}
