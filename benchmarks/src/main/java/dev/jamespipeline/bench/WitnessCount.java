package dev.jamespipeline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

/**
 * Counts what the pipeline did with every message it answered 250 to, using a durable witness
 * that survives a James crash: the {@code outbound.deliver} jobs in RabbitMQ (one per accepted
 * message to a remote recipient; the outbound worker that would consume them does not exist yet).
 * Lost: accepted, no job. Duplicates: more than one job for one pipeline id. Exits 1 on either.
 *
 * The longest gap between two 250 answers is how long clients saw the fault (time to recover).
 *
 * <p>Usage: {@code java -cp smtp-load.jar dev.jamespipeline.bench.WitnessCount AMQP_URI OUTBOUND_QUEUE ACCEPTED_FILE LABEL}
 */
public final class WitnessCount {
    public static void main(String[] args) throws Exception {
        String amqpUri = args[0];
        String queue = args[1];
        List<String[]> accepted = Files.readAllLines(Path.of(args[2])).stream()
            .filter(line -> !line.isBlank())
            .map(line -> line.split(" ", 2))
            .collect(Collectors.toList());
        String label = args[3];

        Map<String, Integer> jobsPerId = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(amqpUri);
        try (Connection connection = factory.newConnection("fault-harness-witness"); Channel channel = connection.createChannel()) {
            for (GetResponse job = channel.basicGet(queue, true); job != null; job = channel.basicGet(queue, true)) {
                jobsPerId.merge(json.readTree(job.getBody()).get("pipelineId").asText(), 1, Integer::sum);
            }
        }
        Set<String> acceptedIds = accepted.stream().map(entry -> entry[1]).collect(Collectors.toSet());
        long lost = acceptedIds.stream().filter(id -> !jobsPerId.containsKey(id)).count();
        long duplicates = jobsPerId.values().stream().filter(count -> count > 1).count();
        long unclaimed = jobsPerId.keySet().stream().filter(id -> !acceptedIds.contains(id)).count();
        long[] times = accepted.stream().mapToLong(entry -> Long.parseLong(entry[0])).sorted().toArray();
        long longestGapMs = 0;
        for (int i = 1; i < times.length; i++) {
            longestGapMs = Math.max(longestGapMs, times[i] - times[i - 1]);
        }
        System.out.printf("%-18s accepted_250=%d witnessed=%d lost=%d duplicates=%d jobs_without_250=%d longest_gap_between_250s_ms=%d"
                + " (witness: outbound.deliver jobs in %s)%n",
            label, acceptedIds.size(), jobsPerId.size(), lost, duplicates, unclaimed, longestGapMs, queue);
        System.exit(lost == 0 && duplicates == 0 ? 0 : 1);
    }
}
