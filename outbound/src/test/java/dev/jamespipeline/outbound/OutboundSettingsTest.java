package dev.jamespipeline.outbound;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;

import org.apache.commons.configuration2.BaseConfiguration;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.config.InvalidSettingException;

class OutboundSettingsTest {

    @Test
    void defaultsAreThoseTheReadmeDocuments() {
        OutboundSettings settings = OutboundSettings.from(new BaseConfiguration());

        assertThat(settings).isEqualTo(new OutboundSettings(true, 20, 5, Duration.ofHours(4), Duration.ofMinutes(3),
            Duration.ofMinutes(1), 25, Optional.empty()));
    }

    @Test
    void aWrongValueOrAnUnknownKeyNamesTheKey() {
        assertThatThrownBy(() -> OutboundSettings.from(with("outbound.destination.concurrency", "0")))
            .isInstanceOf(InvalidSettingException.class).hasMessageContaining("outbound.destination.concurrency='0'");
        assertThatThrownBy(() -> OutboundSettings.from(with("outbound.worker.enabled", "maybe")))
            .isInstanceOf(InvalidSettingException.class).hasMessageContaining("outbound.worker.enabled");
        assertThatThrownBy(() -> OutboundSettings.from(with("outbound.destination.concurency", "5")))
            .isInstanceOf(InvalidSettingException.class).hasMessageContaining("outbound.destination.concurency");
    }

    @Test
    void thePolicyKeysAreLeftToThePipelineConfiguration() {
        BaseConfiguration configuration = with("outbound.retry.delays.ms", "1000");
        configuration.addProperty("outbound.delay.warning.ms", "0");
        configuration.addProperty("stage.concurrency", "2");

        assertThat(OutboundSettings.from(configuration).delayWarning()).isZero();
    }

    private static BaseConfiguration with(String key, String value) {
        BaseConfiguration configuration = new BaseConfiguration();
        configuration.addProperty(key, value);
        return configuration;
    }
}
