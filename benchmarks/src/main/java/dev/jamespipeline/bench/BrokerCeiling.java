package dev.jamespipeline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * RabbitMQ PerfTest's summary as benchmarks/broker-ceiling.sh prints it: the average sending rate and
 * the confirm latency percentiles over the whole run.
 */
public record BrokerCeiling(
        @JsonProperty("command") String command,
        @JsonProperty("msg_per_s") double msgPerS,
        @JsonProperty("confirm_p50_ms") double confirmP50Ms,
        @JsonProperty("confirm_p99_ms") double confirmP99Ms) {

    private static final Pattern COMMAND = Pattern.compile("# command: (benchmarks/broker-ceiling\\.sh.*?)\\s{2,}");
    private static final Pattern RATE = Pattern.compile("sending rate avg: (\\d+) msg/s");
    // "confirm latency min/median/75th/95th/99th 368/3624/7439/22349/35267 µs" (the run's summary line)
    private static final Pattern CONFIRMS = Pattern.compile("confirm latency min/median/75th/95th/99th (\\d+)/(\\d+)/(\\d+)/(\\d+)/(\\d+) µs");

    static BrokerCeiling parse(Path output) throws IOException {
        List<String> lines = Files.readAllLines(output);
        Matcher command = find(COMMAND, lines, output);
        Matcher rate = find(RATE, lines, output);
        Matcher confirms = find(CONFIRMS, lines, output);
        return new BrokerCeiling(command.group(1), Double.parseDouble(rate.group(1)),
            Long.parseLong(confirms.group(2)) / 1000.0, Long.parseLong(confirms.group(5)) / 1000.0);
    }

    private static Matcher find(Pattern pattern, List<String> lines, Path output) {
        for (String line : lines) {
            Matcher matcher = pattern.matcher(line);
            if (matcher.find()) {
                return matcher;
            }
        }
        throw new IllegalArgumentException(output + " has no line matching " + pattern + ": did PerfTest run?");
    }
}
