package dev.jamespipeline.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.convert.DefaultListDelimiterHandler;
import org.junit.jupiter.api.Test;

class PipelineConfigurationTest {
    @Test
    void defaultsAreTheDocumentedOnes() {
        PipelineConfiguration configuration = PipelineConfiguration.from(new BaseConfiguration());

        assertThat(configuration.amqpUri().toString()).isEqualTo("amqp://guest:guest@127.0.0.1:5672/%2F");
        assertThat(configuration.queueType()).isEqualTo(PipelineConfiguration.QueueType.QUORUM);
        assertThat(configuration.deliveryLimit()).isEqualTo(5);
        assertThat(configuration.queueMaxLength()).isEqualTo(100_000);
        assertThat(configuration.stages()).containsExactly("route");
        assertThat(configuration.stageConcurrency()).isEqualTo(4);
        assertThat(configuration.stagePrefetch()).isEqualTo(8);
        assertThat(configuration.retryDelays()).containsExactly(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(60));
        assertThat(configuration.publishConfirmTimeout()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void listsWorkWhetherOrNotTheConfigurationSplitsAtCommas() {
        BaseConfiguration plain = new BaseConfiguration();
        plain.addProperty(PipelineConfiguration.STAGES, "auth, route");
        BaseConfiguration splitting = new BaseConfiguration();
        splitting.setListDelimiterHandler(new DefaultListDelimiterHandler(','));
        splitting.addProperty(PipelineConfiguration.STAGES, "auth, route");

        assertThat(PipelineConfiguration.from(plain).stages()).containsExactly("auth", "route");
        assertThat(PipelineConfiguration.from(splitting).stages()).containsExactly("auth", "route");
    }

    @Test
    void stagesFollowEachOther() {
        PipelineConfiguration configuration = withStages("auth,route");

        assertThat(configuration.firstStage()).isEqualTo("auth");
        assertThat(configuration.stageAfter("auth")).isEqualTo("route");
        assertThat(configuration.stageAfter("route")).isNull();
    }

    @Test
    void refusesStageNamesJamesWouldMishandle() {
        for (String bad : List.of("Route", "root", "error", "transport", "a b", "")) {
            assertThatThrownBy(() -> withStages(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void refusesImpossibleNumbers() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.STAGE_CONCURRENCY, "0");
        assertThatThrownBy(() -> PipelineConfiguration.from(settings)).hasMessageContaining(PipelineConfiguration.STAGE_CONCURRENCY);
    }

    private static PipelineConfiguration withStages(String stages) {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.STAGES, stages);
        return PipelineConfiguration.from(settings);
    }
}
