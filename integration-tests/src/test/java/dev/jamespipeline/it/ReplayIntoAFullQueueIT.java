package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.Topology;

/**
 * A replay whose publish is refused stops there: it says how many it moved, and the refused message
 * and the rest stay in the dead-letter queue. The outbound queue has no consumer yet (README, "Not
 * built yet"), so at {@code outbound.max.length=1} it fills up and the broker nacks what follows.
 */
class ReplayIntoAFullQueueIT {
    private static final List<String> JOBS = List.of("job-1", "job-2", "job-3", "job-4");
    private static final Pattern STOPPED = Pattern.compile("Replayed (\\d+) messages from (\\S+) to (\\S+), then "
        + "publishing message (\\S+) failed: RabbitMQ refused the message \\(nack: queue full.*\\)\\. It and the rest stay in (\\S+)");

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers()
        .setting(PipelineConfiguration.OUTBOUND_POLICY + QueuePolicy.MAX_LENGTH, "1");

    @Test
    void aRefusedPublishStopsTheReplayAndLeavesTheMessageInTheDeadLetterQueue() throws Exception {
        Topology topology = PIPELINE.james().topology();
        String outbound = topology.outboundQueue();
        String deadLetters = topology.deadLetterQueue(outbound);
        QueueRoutesClient routes = new QueueRoutesClient(PIPELINE.james());
        assertThat(routes.status().status()).as("James connected, so its queues exist").isEqualTo(200);
        for (String id : JOBS) {
            PIPELINE.tap().publish("", deadLetters,
                MessageProperties.deadLettered(MessageProperties.persistentJson(id, Instant.now()), outbound, "remote down"),
                ("{\"jobId\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8));
        }

        QueueRoutesClient.Reply replay = routes.replay(outbound, "?action=replay");

        assertThat(replay.json().path("status").asText()).isEqualTo("failed");
        Matcher stopped = STOPPED.matcher(replay.details().path("error").asText());
        assertThat(stopped.find()).as(replay.json().toString()).isTrue();
        // A quorum queue refuses once it is over its limit, so one or two messages fit.
        int moved = Integer.parseInt(stopped.group(1));
        assertThat(moved).isBetween(1, 2);
        assertThat(List.of(stopped.group(2), stopped.group(3), stopped.group(4), stopped.group(5)))
            .containsExactly(deadLetters, outbound, JOBS.get(moved), deadLetters);
        JsonNode status = routes.statusOf(outbound);
        assertThat(status.path("messagesReady").asLong()).isEqualTo(moved);
        assertThat(status.path("deadLetters").path("messages").asLong()).isEqualTo(JOBS.size() - moved);
        List<String> stillDead = new ArrayList<>();
        routes.peek(outbound, "").json().forEach(deadLetter -> stillDead.add(deadLetter.path("messageId").asText()));
        assertThat(stillDead).containsExactlyInAnyOrderElementsOf(JOBS.subList(moved, JOBS.size()));
        List<String> inOutbound = new ArrayList<>();
        for (GetResponse message : PIPELINE.tap().drain(outbound)) {
            inOutbound.add(message.getProps().getMessageId());
        }
        assertThat(inOutbound).containsExactlyElementsOf(JOBS.subList(0, moved));
    }
}
