package dev.jamespipeline.ops.backpressure;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.apache.commons.configuration2.BaseConfiguration;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.ops.BackpressureSettings;
import dev.jamespipeline.ops.state.PipelineState;

class BackpressureTest {
    private static final String QUEUE = "pipeline.stage.route";
    private static final PipelineState.BrokerSample BROKER_FINE = new PipelineState.BrokerSample(true, false, null, false, false);
    private static final PipelineState.StoreSample ROOMY = store(10_000_000_000L, 1_000_000L);

    @Test
    void aQueueDepthRefusesFromItsEnterLevelUntilItIsBelowItsLeaveLevel() {
        Backpressure backpressure = backpressure(Map.of());

        assertThat(depth(backpressure, 9).state()).isEqualTo("normal");
        BackpressureStatus entered = depth(backpressure, 10);
        assertThat(entered.state()).isEqualTo("refusing");
        assertThat(entered.refusal().orElseThrow().reply()).isEqualTo("451 4.3.2");
        assertThat(entered.refusal().orElseThrow().text())
            .isEqualTo(QUEUE + " holds 10 ready messages (enter 10, leave below 3)");
        assertThat(depth(backpressure, 5).state()).as("between the levels: still refusing").isEqualTo("refusing");
        assertThat(depth(backpressure, 3).state()).isEqualTo("refusing");
        assertThat(depth(backpressure, 2).state()).isEqualTo("normal");
        assertThat(depth(backpressure, 5).state()).as("between the levels: still accepting").isEqualTo("normal");
    }

    @Test
    void aQueueAboveItsSlowDownLevelSlowsBeforeItRefuses() {
        Backpressure backpressure = backpressure(Map.of("backpressure.slowdown.delay.ms", "200"));

        assertThat(depth(backpressure, 7).state()).isEqualTo("normal");
        BackpressureStatus slowing = depth(backpressure, 8);
        assertThat(slowing.slowing()).isTrue();
        assertThat(slowing.refusal()).isEmpty();
        assertThat(depth(backpressure, 10).state()).isEqualTo("refusing");
    }

    @Test
    void aStoreShortOfRoomAnswers452AndAcceptsAgainOnlyAtItsLeaveLevel() {
        Backpressure backpressure = backpressure(Map.of("backpressure.store.free.bytes.enter", "1000",
            "backpressure.store.free.bytes.leave", "2000"));

        BackpressureStatus full = backpressure.evaluate(List.of(), BROKER_FINE, store(999, 1_000_000), Instant.now());
        assertThat(full.refusal().orElseThrow().reply()).isEqualTo("452 4.3.1");
        assertThat(full.refusal().orElseThrow().text())
            .isEqualTo("the message store has 999 bytes free (enter below 1000, leave at 2000)");
        assertThat(backpressure.evaluate(List.of(), BROKER_FINE, store(1500, 1_000_000), Instant.now()).state()).isEqualTo("refusing");
        assertThat(backpressure.evaluate(List.of(), BROKER_FINE, store(2000, 1_000_000), Instant.now()).state()).isEqualTo("normal");
    }

    @Test
    void aBlockedBrokerRefusesWhileItBlocks() {
        Backpressure backpressure = backpressure(Map.of());
        PipelineState.BrokerSample blocked = new PipelineState.BrokerSample(true, true, "low on memory", null, null);

        BackpressureStatus refusing = backpressure.evaluate(List.of(), blocked, ROOMY, Instant.now());

        assertThat(refusing.refusal().orElseThrow().kind()).isEqualTo("broker_blocked");
        assertThat(refusing.refusal().orElseThrow().text()).isEqualTo("RabbitMQ blocks publishes (low on memory)");
        assertThat(backpressure.evaluate(List.of(), BROKER_FINE, ROOMY, Instant.now()).state()).isEqualTo("normal");
    }

    @Test
    void anUnknownValueKeepsTheThresholdAsItWas() {
        Backpressure backpressure = backpressure(Map.of());
        depth(backpressure, 12);
        PipelineState.BrokerSample unreachable = new PipelineState.BrokerSample(false, false, null, null, null);

        assertThat(backpressure.evaluate(List.of(), unreachable, new PipelineState.StoreSample(null, null, null, null, null, null, null), Instant.now()).state())
            .as("the queue is not sampled: nothing says it drained").isEqualTo("refusing");
    }

    @Test
    void disabledNeverRefuses() {
        Backpressure backpressure = backpressure(Map.of("backpressure.enabled", "false"));

        assertThat(depth(backpressure, 1000).state()).isEqualTo("normal");
    }

    private static Backpressure backpressure(Map<String, String> extra) {
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty("backpressure.queue." + QUEUE + ".depth.enter", "10");
        conf.addProperty("backpressure.queue." + QUEUE + ".depth.leave", "3");
        extra.forEach(conf::addProperty);
        BackpressureSettings settings = PipelineConfiguration.from(conf).backpressure();
        return new Backpressure(settings, settings.thresholdsOf(Map.of(QUEUE, true)));
    }

    private static BackpressureStatus depth(Backpressure backpressure, long ready) {
        PipelineState.QueueSample queue = new PipelineState.QueueSample(QUEUE, "stage", true, ready, null, 1, null, null, 0.0, null, 0,
            new PipelineState.DeadLetterSample(QUEUE + ".dlq", 0, 0.0), false, 1, null);
        return backpressure.evaluate(List.of(queue), BROKER_FINE, ROOMY, Instant.now());
    }

    private static PipelineState.StoreSample store(long freeBytes, long freeInodes) {
        return new PipelineState.StoreSample("file", "/store", freeBytes, freeBytes * 2, freeInodes, freeInodes * 2, null);
    }
}
