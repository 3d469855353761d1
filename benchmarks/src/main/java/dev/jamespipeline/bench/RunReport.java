package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * Everything one benchmarks/run measured, as written to benchmarks/results/STAMP.json: the accept matrix,
 * the decoupling pair (pipeline with and without a slow first stage), the end-to-end runs and the
 * broker's PerfTest ceiling.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RunReport(
        @JsonProperty("header") List<String> header,
        @JsonProperty("accept") List<AcceptRow> accept,
        @JsonProperty("decoupling") List<AcceptRow> decoupling,
        @JsonProperty("decoupling_p99_ratio") Double decouplingP99Ratio,
        @JsonProperty("end_to_end") List<EndToEndRun> endToEnd,
        @JsonProperty("broker_ceiling") BrokerCeiling brokerCeiling,
        @JsonProperty("mail_received_publish_rates") List<PublishRate> mailReceivedPublishRates) {

    static final String SLOW = "pipeline-slow";
    static final String PIPELINE = "pipeline";
    /** The accept cell whose pipeline rate is set beside the broker's ceiling: as many SMTP sessions as PerfTest publishers. */
    static final String PUBLISH_RATE_CELL = "10 KB × 20";

    /**
     * Our mail.received publishes per second as one run measured them: every 250 the pipeline
     * answers is one confirmed publish, so it is the pipeline's accept rate at 20 sessions.
     */
    public record PublishRate(@JsonProperty("source") String source, @JsonProperty("msg_per_s") double msgPerS) {
    }

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
        List<PublishRate> publishRates = new ArrayList<>();
        new AcceptCells(accept).mean(PUBLISH_RATE_CELL, PIPELINE, AcceptRow::msgPerS)
            .ifPresent(rate -> publishRates.add(new PublishRate("accept matrix, " + PUBLISH_RATE_CELL, rate)));
        pair.mean(PUBLISH_RATE_CELL, PIPELINE, AcceptRow::msgPerS)
            .ifPresent(rate -> publishRates.add(new PublishRate("decoupling run, " + PUBLISH_RATE_CELL, rate)));
        endToEnd.stream().filter(run -> run.variant().equals(PIPELINE))
            .forEach(run -> publishRates.add(new PublishRate("end to end, " + run.sessions() + " sessions for "
                + Math.round(run.loadSeconds()) + " s", run.acceptedMsgPerS())));
        return new RunReport(header, accept, decoupling, ratio, endToEnd, ceiling, publishRates);
    }

    static RunReport read(Path json) throws IOException {
        RunReport stored = new ObjectMapper().readValue(json.toFile(), RunReport.class);
        return of(stored.header(), stored.accept(), stored.decoupling(), stored.endToEnd(), stored.brokerCeiling());
    }

    void write(Path json) throws IOException {
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(json.toFile(), this);
    }
}
