package dev.jamespipeline.security.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.convert.DefaultListDelimiterHandler;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.config.InvalidSettingException;

class AuthenticationSettingsTest {
    private static BaseConfiguration conf(Map<String, String> values) {
        BaseConfiguration conf = new BaseConfiguration();
        values.forEach(conf::addProperty);
        return conf;
    }

    @Test
    void defaultsUseTheHostNameAsAuthservId() {
        AuthenticationSettings settings = AuthenticationSettings.from(conf(Map.of("stages", "auth,route")), () -> "MX1.Example.Test");

        assertThat(settings).isEqualTo(new AuthenticationSettings("mx1.example.test", Duration.ofSeconds(5), 10));
    }

    @Test
    void theShippedConfigurationIsReadAndSetsTheDefaults() throws Exception {
        PropertiesConfiguration shipped = new PropertiesConfiguration();
        shipped.setListDelimiterHandler(new DefaultListDelimiterHandler(','));
        new FileHandler(shipped).load(Path.of("..", "james-conf", "pipeline.properties").toFile());

        assertThat(AuthenticationSettings.from(shipped, () -> "mx.test"))
            .isEqualTo(AuthenticationSettings.from(new BaseConfiguration(), () -> "mx.test"));
    }

    @Test
    void keysAreRead() {
        AuthenticationSettings settings = AuthenticationSettings.from(conf(Map.of(
            AuthenticationSettings.AUTHSERV_ID, "mx.example.test",
            AuthenticationSettings.DNS_TIMEOUT, "1500",
            AuthenticationSettings.DKIM_MAX_SIGNATURES, "3")), () -> "unused");

        assertThat(settings).isEqualTo(new AuthenticationSettings("mx.example.test", Duration.ofMillis(1500), 3));
    }

    @Test
    void anUnknownKeyIsRefusedByName() {
        assertThatThrownBy(() -> AuthenticationSettings.from(conf(Map.of("security.auth.dns.timeout", "5")), () -> "mx.test"))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining("security.auth.dns.timeout");
    }

    @Test
    void anAuthservIdThatCouldBreakTheFieldIsRefused() {
        assertThatThrownBy(() -> AuthenticationSettings.from(conf(Map.of(AuthenticationSettings.AUTHSERV_ID, "mx.test; spf=pass")),
            () -> "mx.test"))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining(AuthenticationSettings.AUTHSERV_ID);
        assertThatThrownBy(() -> AuthenticationSettings.from(conf(Map.of(AuthenticationSettings.DKIM_MAX_SIGNATURES, "0")),
            () -> "mx.test"))
            .hasMessageContaining(AuthenticationSettings.DKIM_MAX_SIGNATURES);
    }
}
