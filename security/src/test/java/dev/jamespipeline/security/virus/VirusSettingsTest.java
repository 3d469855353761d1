package dev.jamespipeline.security.virus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;

import org.apache.commons.configuration2.BaseConfiguration;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.config.InvalidSettingException;
import dev.jamespipeline.security.scanner.ScanFailurePolicy;

class VirusSettingsTest {

    @Test
    void defaultsFailClosedAgainstALocalClamdWithDebiansStreamLimit() {
        VirusSettings settings = VirusSettings.from(new BaseConfiguration());

        assertThat(settings).isEqualTo(new VirusSettings("127.0.0.1", 3310, Duration.ofSeconds(5), Duration.ofSeconds(60),
            Duration.ofSeconds(120), 65_536, 25L * 1024 * 1024, ScanFailurePolicy.QUARANTINE));
    }

    @Test
    void everyKeyIsRead() {
        VirusSettings settings = VirusSettings.from(conf(Map.of(
            VirusSettings.CLAMD_HOST, "clamd.internal",
            VirusSettings.CLAMD_PORT, "3311",
            VirusSettings.CONNECT_TIMEOUT, "250",
            VirusSettings.READ_TIMEOUT, "1500",
            VirusSettings.SCAN_TIMEOUT, "4000",
            VirusSettings.CHUNK_BYTES, "2048",
            VirusSettings.MAX_SCAN_BYTES, "1048576",
            VirusSettings.FAILURE_POLICY, "tag")));

        assertThat(settings).isEqualTo(new VirusSettings("clamd.internal", 3311, Duration.ofMillis(250), Duration.ofMillis(1500),
            Duration.ofMillis(4000), 2048, 1_048_576, ScanFailurePolicy.TAG));
    }

    @Test
    void anUnknownSecurityVirusKeyIsRefusedByName() {
        assertThatThrownBy(() -> VirusSettings.from(conf(Map.of("security.virus.failure.polcy", "tag"))))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining("security.virus.failure.polcy");
    }

    @Test
    void otherSecurityStagesKeysAreNotItsBusiness() {
        assertThat(VirusSettings.from(conf(Map.of("security.spam.policy", "junk"))).failurePolicy())
            .isEqualTo(ScanFailurePolicy.QUARANTINE);
    }

    @Test
    void aPolicyThatIsNeitherQuarantineNorTagIsRefused() {
        assertThatThrownBy(() -> VirusSettings.from(conf(Map.of(VirusSettings.FAILURE_POLICY, "pass"))))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining(VirusSettings.FAILURE_POLICY + "='pass'")
            .hasMessageContaining("expected tag or quarantine");
    }

    @Test
    void theWholeScanMayNotBeShorterThanTheWaitForItsReply() {
        assertThatThrownBy(() -> VirusSettings.from(conf(Map.of(VirusSettings.READ_TIMEOUT, "5000",
            VirusSettings.SCAN_TIMEOUT, "1000"))))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining(VirusSettings.SCAN_TIMEOUT);
    }

    @Test
    void valuesOutOfRangeNameTheirKey() {
        assertThatThrownBy(() -> VirusSettings.from(conf(Map.of(VirusSettings.CLAMD_PORT, "70000"))))
            .hasMessageContaining(VirusSettings.CLAMD_PORT);
        assertThatThrownBy(() -> VirusSettings.from(conf(Map.of(VirusSettings.MAX_SCAN_BYTES, "0"))))
            .hasMessageContaining(VirusSettings.MAX_SCAN_BYTES);
        assertThatThrownBy(() -> VirusSettings.from(conf(Map.of(VirusSettings.CHUNK_BYTES, "10"))))
            .hasMessageContaining(VirusSettings.CHUNK_BYTES);
        assertThatThrownBy(() -> VirusSettings.from(conf(Map.of(VirusSettings.CONNECT_TIMEOUT, "0"))))
            .hasMessageContaining(VirusSettings.CONNECT_TIMEOUT);
        assertThatThrownBy(() -> VirusSettings.from(conf(Map.of(VirusSettings.CLAMD_HOST, "clamd host;rm"))))
            .hasMessageContaining(VirusSettings.CLAMD_HOST);
    }

    private static BaseConfiguration conf(Map<String, String> values) {
        BaseConfiguration conf = new BaseConfiguration();
        values.forEach(conf::addProperty);
        return conf;
    }
}
