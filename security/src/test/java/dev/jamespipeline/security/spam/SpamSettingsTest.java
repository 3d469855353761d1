package dev.jamespipeline.security.spam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.Reader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.james.core.Domain;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.config.InvalidSettingException;
import dev.jamespipeline.security.scanner.ScanFailurePolicy;

class SpamSettingsTest {

    @Test
    void defaultsDeliverSpamToJunkAndTagWhatCouldNotBeChecked() {
        SpamSettings settings = SpamSettings.from(conf(Map.of()));

        assertThat(settings.rspamdUrl()).isEqualTo(URI.create("http://127.0.0.1:11333"));
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(settings.maxMessageBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(settings.defaultPolicy()).isEqualTo(SpamPolicy.JUNK);
        assertThat(settings.failurePolicy()).isEqualTo(ScanFailurePolicy.TAG);
        assertThat(settings.junkFolder()).isEqualTo("Junk");
        assertThat(settings.policyFor(Domain.of("any.test"))).isEqualTo(SpamPolicy.JUNK);
    }

    @Test
    void theShippedPipelinePropertiesSetTheDefaults() throws Exception {
        PropertiesConfiguration shipped = new PropertiesConfiguration();
        try (Reader reader = Files.newBufferedReader(Path.of("..", "james-conf", "pipeline.properties"))) {
            shipped.read(reader);
        }
        BaseConfiguration spamKeys = new BaseConfiguration();
        shipped.getKeys(SpamSettings.KEYS.substring(0, SpamSettings.KEYS.length() - 1))
            .forEachRemaining(key -> spamKeys.addProperty(key, shipped.getString(key)));

        assertThat(spamKeys.isEmpty()).isFalse();
        assertThat(SpamSettings.from(spamKeys)).isEqualTo(SpamSettings.from(conf(Map.of())));
    }

    @Test
    void aDomainsOwnPolicyOverridesTheDefaultForThatDomainOnly() {
        SpamSettings settings = SpamSettings.from(conf(Map.of(
            "security.spam.policy", "tag",
            "security.spam.policy.Strict.TEST", "quarantine",
            "security.spam.policy.junk.test", "junk")));

        assertThat(settings.policyFor(Domain.of("strict.test"))).isEqualTo(SpamPolicy.QUARANTINE);
        assertThat(settings.policyFor(Domain.of("junk.test"))).isEqualTo(SpamPolicy.JUNK);
        assertThat(settings.policyFor(Domain.of("other.test"))).isEqualTo(SpamPolicy.TAG);
        assertThat(settings.policyFor(Domain.of("sub.strict.test"))).isEqualTo(SpamPolicy.TAG);
    }

    @Test
    void everyKeyIsRead() {
        SpamSettings settings = SpamSettings.from(conf(Map.of(
            "security.spam.rspamd.url", "http://10.0.0.5:11333",
            "security.spam.connect.timeout.ms", "500",
            "security.spam.request.timeout.ms", "7000",
            "security.spam.max.message.bytes", "2048",
            "security.spam.failure.policy", "quarantine",
            "security.spam.junk.folder", "Spam")));

        assertThat(settings.rspamdUrl()).isEqualTo(URI.create("http://10.0.0.5:11333"));
        assertThat(settings.connectTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(settings.requestTimeout()).isEqualTo(Duration.ofMillis(7000));
        assertThat(settings.maxMessageBytes()).isEqualTo(2048);
        assertThat(settings.failurePolicy()).isEqualTo(ScanFailurePolicy.QUARANTINE);
        assertThat(settings.junkFolder()).isEqualTo("Spam");
    }

    @Test
    void anUnknownSpamKeyIsRefusedByName() {
        assertThatThrownBy(() -> SpamSettings.from(conf(Map.of("security.spam.treshold", "5"))))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining("security.spam.treshold");
    }

    @Test
    void otherSecurityStagesKeysAreLeftToThem() {
        SpamSettings settings = SpamSettings.from(conf(Map.of("security.virus.clamd.port", "3310")));

        assertThat(settings.defaultPolicy()).isEqualTo(SpamPolicy.JUNK);
    }

    @Test
    void invalidValuesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> SpamSettings.from(conf(Map.of("security.spam.policy", "delete"))))
            .hasMessageContaining("security.spam.policy='delete'").hasMessageContaining("tag or junk or quarantine");
        assertThatThrownBy(() -> SpamSettings.from(conf(Map.of("security.spam.policy.example.test", "drop"))))
            .hasMessageContaining("security.spam.policy.example.test='drop'");
        assertThatThrownBy(() -> SpamSettings.from(conf(Map.of("security.spam.failure.policy", "junk"))))
            .hasMessageContaining("security.spam.failure.policy='junk'").hasMessageContaining("tag or quarantine");
        assertThatThrownBy(() -> SpamSettings.from(conf(Map.of("security.spam.rspamd.url", "ftp://host"))))
            .hasMessageContaining("security.spam.rspamd.url");
        assertThatThrownBy(() -> SpamSettings.from(conf(Map.of("security.spam.request.timeout.ms", "0"))))
            .hasMessageContaining("security.spam.request.timeout.ms");
        assertThatThrownBy(() -> SpamSettings.from(conf(Map.of("security.spam.max.message.bytes", "-1"))))
            .hasMessageContaining("security.spam.max.message.bytes");
        assertThatThrownBy(() -> SpamSettings.from(conf(Map.of("security.spam.junk.folder", "../INBOX"))))
            .hasMessageContaining("security.spam.junk.folder");
    }

    private static BaseConfiguration conf(Map<String, String> values) {
        BaseConfiguration conf = new BaseConfiguration();
        values.forEach(conf::addProperty);
        return conf;
    }
}
