package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * One cell of the SMTP accept matrix as benchmarks/matrix.sh writes it to JSON: one variant, message
 * size and session count, one round. Latencies are null for rows that only have a rate
 * ({@code smtp-source}); {@code deliveredAllAfterS} is null where nothing is delivered (Postfix).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record AcceptRow(
        @JsonProperty("size") int size,
        @JsonProperty("sessions") int sessions,
        @JsonProperty("variant") String variant,
        @JsonProperty("round") int round,
        @JsonProperty("msg_per_s") double msgPerS,
        @JsonProperty("p50_ms") Double p50Ms,
        @JsonProperty("p90_ms") Double p90Ms,
        @JsonProperty("p99_ms") Double p99Ms,
        @JsonProperty("p999_ms") Double p999Ms,
        @JsonProperty("max_ms") Double maxMs,
        @JsonProperty("delivered_all_after_s") Double deliveredAllAfterS) {

    static List<AcceptRow> read(Path matrixJson) throws IOException {
        return new ObjectMapper().readValue(matrixJson.toFile(), new TypeReference<List<AcceptRow>>() { });
    }

    /** "10 KB × 20", the label of this row's cell in tables and charts. */
    String cell() {
        return (size % 1024 == 0 ? size / 1024 + " KB" : size + " B") + " × " + sessions;
    }
}
