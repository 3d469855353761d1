package dev.jamespipeline.core.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.configuration2.BaseConfiguration;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.config.InvalidSettingException;

class BackpressureSettingsTest {
    private static final String ROUTE = "pipeline.stage.route";
    private static final String OUTBOUND = "pipeline.outbound.deliver";

    @Test
    void stageQueuesHaveTheDocumentedDefaultsAndOtherQueuesNone() {
        BackpressureSettings settings = PipelineConfiguration.from(new BaseConfiguration()).backpressure();

        Map<String, QueueThresholds> thresholds = settings.thresholdsOf(queues());

        assertThat(thresholds.get(ROUTE)).isEqualTo(QueueThresholds.STAGE_DEFAULTS);
        assertThat(thresholds.get(OUTBOUND)).isEqualTo(QueueThresholds.OFF);
        assertThat(settings.enabled()).isTrue();
        assertThat(settings.sampleInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.slowdownLevel(1000)).as("slow-down is off by default").isEmpty();
    }

    @Test
    void aQueueOwnKeysOverrideTheStageDefaultsAndSwitchOnOtherQueues() {
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty("backpressure.depth.enter", "100");
        conf.addProperty("backpressure.depth.leave", "50");
        conf.addProperty("backpressure.queue." + ROUTE + ".depth.enter", "10");
        conf.addProperty("backpressure.queue." + ROUTE + ".depth.leave", "3");
        conf.addProperty("backpressure.queue." + OUTBOUND + ".lag.enter.ms", "60000");
        conf.addProperty("backpressure.slowdown.delay.ms", "500");

        BackpressureSettings settings = PipelineConfiguration.from(conf).backpressure();
        Map<String, QueueThresholds> thresholds = settings.thresholdsOf(queues());

        assertThat(thresholds.get(ROUTE).depthEnter()).isEqualTo(10);
        assertThat(thresholds.get(ROUTE).depthLeave()).isEqualTo(3);
        assertThat(thresholds.get(OUTBOUND).lagEnter()).isEqualTo(Duration.ofMinutes(1));
        assertThat(thresholds.get(OUTBOUND).lagLeave()).isEqualTo(Duration.ZERO);
        assertThat(thresholds.get(OUTBOUND).depthEnter()).isZero();
        assertThat(settings.slowdownLevel(10)).contains(8L);
    }

    @Test
    void aQueueKeyNamingNoQueueOrNoFieldIsRefusedNamingTheKey() {
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty("backpressure.queue.pipeline.stage.rout.depth.enter", "10");
        BackpressureSettings settings = PipelineConfiguration.from(conf).backpressure();

        assertThatThrownBy(() -> settings.thresholdsOf(queues()))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining("backpressure.queue.pipeline.stage.rout.depth.enter='10'")
            .hasMessageContaining(ROUTE).hasMessageContaining("depth.enter");
    }

    @Test
    void aLeaveLevelNotBelowItsEnterLevelIsRefusedNamingBothKeys() {
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty("backpressure.depth.enter", "100");
        conf.addProperty("backpressure.depth.leave", "100");

        assertThatThrownBy(() -> PipelineConfiguration.from(conf))
            .hasMessageContaining("backpressure.depth.leave='100' is invalid: expected less than backpressure.depth.enter (100)");
    }

    @Test
    void storeLevelsMustLeaveAboveWhereTheyEnter() {
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty("backpressure.store.free.inodes.enter", "500");
        conf.addProperty("backpressure.store.free.inodes.leave", "400");

        assertThatThrownBy(() -> PipelineConfiguration.from(conf))
            .hasMessageContaining("backpressure.store.free.inodes.leave='400' is invalid: expected more than backpressure.store.free.inodes.enter (500)");
    }

    @Test
    void aMistypedBackpressureKeyIsAnUnknownKey() {
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty("backpressure.depth.entre", "10");

        assertThatThrownBy(() -> PipelineConfiguration.from(conf)).hasMessageContaining("unknown key(s) backpressure.depth.entre");
    }

    @Test
    void enabledIsTrueOrFalse() {
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty("backpressure.enabled", "yes");

        assertThatThrownBy(() -> PipelineConfiguration.from(conf))
            .hasMessageContaining("backpressure.enabled='yes' is invalid: expected true or false");
    }

    private static Map<String, Boolean> queues() {
        Map<String, Boolean> queues = new LinkedHashMap<>();
        queues.put(ROUTE, true);
        queues.put(OUTBOUND, false);
        return queues;
    }
}
