package dev.jamespipeline.outbound.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.PropertiesConfiguration;
import org.apache.commons.configuration2.convert.DefaultListDelimiterHandler;
import org.apache.commons.configuration2.io.FileHandler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.config.InvalidSettingException;
import dev.jamespipeline.outbound.security.tls.CertificateTrust;

class OutboundSecuritySettingsTest {
    @TempDir
    Path workingDirectory;

    @Test
    void defaultsAreOpportunisticTlsWithMtaStsAndNoSigning() {
        OutboundSecuritySettings settings = OutboundSecuritySettings.from(new BaseConfiguration(), workingDirectory);

        assertThat(settings.requiredTlsDomains()).isEmpty();
        assertThat(settings.requiredCertificate()).isEqualTo(OutboundSecuritySettings.CertificateRequirement.VERIFY);
        assertThat(settings.trustStore()).isEmpty();
        assertThat(settings.mtaSts()).isEqualTo(OutboundSecuritySettings.Switch.ENABLED);
        assertThat(settings.mtaStsFetchTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.mtaStsMaxPolicyBytes()).isEqualTo(65_536);
        assertThat(settings.mtaStsCacheDomains()).isEqualTo(100_000);
        assertThat(settings.mtaStsFailedFetchRetry()).isEqualTo(Duration.ofMinutes(5));
        assertThat(settings.dkimKeys()).isEmpty();
        assertThat(settings.dkimSignedHeaders()).startsWith("from", "to", "cc", "subject");
    }

    @Test
    void theShippedConfigurationIsReadAndSetsTheDefaults() throws Exception {
        PropertiesConfiguration shipped = new PropertiesConfiguration();
        shipped.setListDelimiterHandler(new DefaultListDelimiterHandler(','));
        new FileHandler(shipped).load(Path.of("..", "james-conf", "pipeline.properties").toFile());

        assertThat(OutboundSecuritySettings.from(shipped, workingDirectory))
            .isEqualTo(OutboundSecuritySettings.from(new BaseConfiguration(), workingDirectory));
        assertThat(PipelineConfiguration.from(shipped).stages()).as("the pipeline's own settings ignore these keys").isNotEmpty();
    }

    @Test
    void readsRequiredDomainsNormalized() {
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty(OutboundSecuritySettings.REQUIRED_DOMAINS, "Partner.Example, bank.example.");
        conf.addProperty(OutboundSecuritySettings.REQUIRED_CERTIFICATE, "any");
        conf.addProperty(OutboundSecuritySettings.TRUST_STORE, "conf/outbound-trust.p12");

        OutboundSecuritySettings settings = OutboundSecuritySettings.from(conf, workingDirectory);

        assertThat(settings.requiredTlsDomains()).isEqualTo(Set.of("partner.example", "bank.example"));
        assertThat(settings.requiredCertificate()).isEqualTo(OutboundSecuritySettings.CertificateRequirement.ANY);
        assertThat(settings.trustStore()).hasValueSatisfying(store -> {
            assertThat(store.path()).isEqualTo(workingDirectory.resolve("conf/outbound-trust.p12"));
            assertThat(store.type()).isEqualTo("PKCS12");
        });
    }

    @Test
    void wrongValuesAreReportedWithTheirKey() {
        assertThat(errorFor(OutboundSecuritySettings.REQUIRED_DOMAINS, "example.com,not a domain"))
            .contains("outbound.tls.required.domains='not a domain' is invalid");
        assertThat(errorFor(OutboundSecuritySettings.REQUIRED_CERTIFICATE, "maybe"))
            .contains("outbound.tls.required.certificate='maybe'").contains("verify or any");
        assertThat(errorFor(OutboundSecuritySettings.MTA_STS, "yes")).contains("outbound.tls.mta-sts='yes'").contains("enabled or disabled");
        assertThat(errorFor(OutboundSecuritySettings.MTA_STS_FETCH_TIMEOUT, "10"))
            .contains("outbound.tls.mta-sts.fetch.timeout.ms='10'").contains("at least 100 ms");
        assertThat(errorFor(OutboundSecuritySettings.MTA_STS_MAX_POLICY_BYTES, "100000000"))
            .contains("outbound.tls.mta-sts.max.policy.bytes='100000000'");
        assertThat(errorFor(OutboundSecuritySettings.DKIM_SIGNED_HEADERS, "to,subject"))
            .contains("outbound.dkim.signed.headers='to,subject'").contains("includes from");
        assertThat(errorFor("outbound.tls.require.domains", "example.com"))
            .contains("unknown key(s) outbound.tls.require.domains");
    }

    @Test
    void dkimKeyEntriesAreCheckedOneByOne() throws Exception {
        assertThat(errorFor(OutboundSecuritySettings.DKIM_SIGNING_KEYS, "example.com:s1"))
            .contains("outbound.dkim.keys='example.com:s1' is invalid: expected domain:selector:pem-file");
        assertThat(errorFor(OutboundSecuritySettings.DKIM_SIGNING_KEYS, "example.com:bad_selector:k.pem"))
            .contains("outbound.dkim.keys='example.com:bad_selector:k.pem'").contains("selector");
        assertThat(errorFor(OutboundSecuritySettings.DKIM_SIGNING_KEYS, "example.com:s1:missing.pem"))
            .contains("outbound.dkim.keys='" + workingDirectory.resolve("missing.pem") + "'").contains("readable PEM");
        Files.writeString(workingDirectory.resolve("garbage.pem"), "not a key\n");
        assertThat(errorFor(OutboundSecuritySettings.DKIM_SIGNING_KEYS, "example.com:s1:garbage.pem"))
            .contains("outbound.dkim.keys='" + workingDirectory.resolve("garbage.pem") + "'").contains("RSA private key");
    }

    @Test
    void aMissingTrustStoreIsReportedWithItsKey() {
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty(OutboundSecuritySettings.TRUST_STORE, "nowhere.p12");

        assertThatThrownBy(() -> CertificateTrust.load(
                OutboundSecuritySettings.from(conf, workingDirectory).trustStore()))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining("outbound.tls.trust.store='" + workingDirectory.resolve("nowhere.p12") + "' is invalid");
    }

    private String errorFor(String key, String value) {
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty(key, value);
        try {
            OutboundSecuritySettings.from(conf, workingDirectory);
        } catch (InvalidSettingException e) {
            return e.getMessage();
        }
        throw new AssertionError(key + "=" + value + " was accepted");
    }
}
