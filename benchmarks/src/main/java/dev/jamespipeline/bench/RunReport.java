package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalDouble;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Everything one bench/run measured, as written to bench/results/STAMP.json: the accept matrix,
 * the decoupling pair (pipeline with and without a slow first stage), the end-to-end runs and the
 * broker's PerfTest ceiling.
 */
public record RunReport(
        @JsonProperty("header") List<String> header,
        @JsonProperty("accept") List<AcceptRow> accept,
        @JsonProperty("decoupling") List<AcceptRow> decoupling,
        @JsonProperty("decoupling_p99_ratio") Double decouplingP99Ratio,
        @JsonProperty("end_to_end") List<EndToEndRun> endToEnd,
        @JsonProperty("broker_ceiling") BrokerCeiling brokerCeiling,
        @JsonProperty("mail_received_publish_rate") Double mailReceivedPublishRate) {

    static final String SLOW = "pipeline-slow";
    static final String PIPELINE = "pipeline";
    /** The accept cell whose pipeline rate is set beside the broker's ceiling: as many SMTP sessions as PerfTest publishers. */
    static final String PUBLISH_RATE_CELL = "10 KB × 20";

    static RunReport of(List<String> header, List<AcceptRow> accept, List<AcceptRow> decoupling, List<EndToEndRun> endToEnd,
                        BrokerCeiling ceiling) {
        AcceptCells pair = new AcceptCells(decoupling);
        Double ratio = null;
        if (pair.cells().size() == 1) {
            String cell = pair.cells().get(0);
            OptionalDouble slow = pair.mean(cell, SLOW, AcceptRow::p99Ms);
            OptionalDouble normal = pair.mean(cell, PIPELINE, AcceptRow::p99Ms);
            if (slow.isPresent() && normal.isPresent()) {
                ratio = slow.getAsDouble() / normal.getAsDouble();
            }
        }
        // Every 250 the pipeline answers is one confirmed mail.received publish.
        OptionalDouble publishRate = new AcceptCells(accept).mean(PUBLISH_RATE_CELL, PIPELINE, row -> row.msgPerS());
        return new RunReport(header, accept, decoupling, ratio, endToEnd, ceiling,
            publishRate.isPresent() ? publishRate.getAsDouble() : null);
    }

    void write(Path json) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), this);
    }
}
