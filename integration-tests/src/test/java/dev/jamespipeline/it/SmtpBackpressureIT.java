package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.ops.BackpressureSettings;
import dev.jamespipeline.core.ops.QueueThresholds;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.it.mailets.PauseOnce;
import dev.jamespipeline.ops.backpressure.Backpressure;

/**
 * SMTP backpressure from the pipeline's state, end to end: the route stage's only consumer is held by
 * the test (prefetch 1), so what follows waits in the queue; from 3 ready messages MAIL is answered
 * 451 4.3.2 with the reason, and only once the queue is below 1 again (hysteresis) is mail accepted.
 * The state route, the Prometheus gauges and the log say the same.
 */
class SmtpBackpressureIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String ALICE = "alice@" + DOMAIN;
    private static final String BOB = "bob@" + DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int ENTER = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.CONCURRENCY, "1")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.PREFETCH, "1")
        .setting(BackpressureSettings.SAMPLE_INTERVAL, "200")
        .setting(BackpressureSettings.PREFIX + QueueThresholds.DEPTH_ENTER, String.valueOf(ENTER))
        .setting(BackpressureSettings.PREFIX + QueueThresholds.DEPTH_LEAVE, "1")
        .editMailetContainer(MailetContainerEdits.pauseAfterLocalDelivery("hold"));

    @BeforeAll
    static void captureTheBackpressureLog() {
        LOG.start();
        ((Logger) LoggerFactory.getLogger(Backpressure.class)).addAppender(LOG);
    }

    /** Runs before the extension stops James, so a held consumer does not delay the shutdown. */
    @AfterAll
    static void releasePausedConsumer() {
        PauseOnce.release("hold");
        ((Logger) LoggerFactory.getLogger(Backpressure.class)).detachAppender(LOG);
    }

    @Test
    void aBackedUpStageGives451UntilItDrainsAndTheStateRouteMetricsAndLogSayWhy() throws Exception {
        String queue = PIPELINE.james().topology().stageQueue("route");
        assertThat(send("hold").code()).isEqualTo(250);
        assertThat(PauseOnce.awaitReached("hold", 30)).isTrue();
        for (int i = 0; i < ENTER; i++) {
            assertThat(send("queued " + i).code()).as("below the enter level").isEqualTo(250);
        }

        await().atMost(WAIT).until(() -> PIPELINE.james().smtp().envelope(ALICE, BOB).code() == 451);
        SmtpReply refused = PIPELINE.james().smtp().envelope(ALICE, BOB);
        assertThat(refused.text()).contains("4.3.2").contains(queue + " holds " + ENTER + " ready messages (enter 3, leave below 1)");

        JsonNode state = JSON.readTree(PIPELINE.james().webAdmin("GET", "/pipeline/state").body());
        assertThat(state.path("backpressure").path("state").asText()).isEqualTo("refusing");
        JsonNode reason = state.path("backpressure").path("reasons").get(0);
        assertThat(reason.path("kind").asText()).isEqualTo("depth");
        assertThat(reason.path("subject").asText()).isEqualTo(queue);
        assertThat(reason.path("reply").asText()).isEqualTo("451 4.3.2");
        JsonNode route = queueEntry(state, queue);
        assertThat(route.path("ready").asLong()).isEqualTo(ENTER);
        assertThat(route.path("consumers").asLong()).isEqualTo(1);
        assertThat(route.path("localConsumers").asLong()).isEqualTo(1);
        assertThat(route.path("backpressure").asBoolean()).isTrue();
        assertThat(route.path("lagSource").asText()).isEqualTo("consumers");
        assertThat(route.path("lagSeconds").asDouble()).isPositive();
        assertThat(state.path("store").path("backend").asText()).isIn("file", "postgres");

        String metrics = PIPELINE.james().webAdmin("GET", "/metrics").body();
        String gauge = "pipeline_queue_" + queue.replaceAll("[^a-zA-Z0-9:_]", "_");
        assertThat(metrics).contains(gauge + "_ready " + ENTER + ".0").contains(gauge + "_backpressure 1.0")
            .contains(gauge + "_dlq_messages 0.0").contains("pipeline_backpressure_state 2.0")
            .contains("pipeline_backpressure_reason_depth 1.0").contains("pipeline_broker_blocked 0.0");
        assertThat(PIPELINE.james().webAdmin("GET", "/pipeline/state").statusCode()).isEqualTo(200);
        assertThat(PIPELINE.james().pipelineHealth().json()).contains("SMTP answers 451 4.3.2");

        PauseOnce.release("hold");
        await().atMost(WAIT).until(() -> PIPELINE.james().smtp().envelope(ALICE, BOB).code() == 250);
        assertThat(send("after the drain").code()).isEqualTo(250);
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount(BOB, PipelineJames.PASSWORD) == ENTER + 2);

        List<String> lines = LOG.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        assertThat(lines).as("one line on entering, one on leaving, with both levels").containsExactly(
            "Backpressure ON (451 4.3.2): " + queue + " holds " + ENTER + " ready messages (enter 3, leave below 1)",
            "Backpressure OFF: " + queue + " holds 0 ready messages (enter 3, leave below 1); entered at " + ENTER);
    }

    @Test
    void theStateRouteNeedsTheAdminToken() throws Exception {
        HttpResponse<String> anonymous = HttpClient.newHttpClient().send(
            HttpRequest.newBuilder(PIPELINE.james().webAdminUri("/pipeline/state")).GET().build(),
            HttpResponse.BodyHandlers.ofString());

        assertThat(anonymous.statusCode()).isEqualTo(401);
    }

    private static SmtpReply send(String subject) throws Exception {
        return PIPELINE.james().smtp().send(ALICE, subject, subject, BOB);
    }

    private static JsonNode queueEntry(JsonNode state, String queue) {
        for (JsonNode entry : state.path("queues")) {
            if (entry.path("name").asText().equals(queue)) {
                return entry;
            }
        }
        throw new AssertionError(queue + " not in " + state);
    }
}
