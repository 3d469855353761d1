package dev.jamespipeline.security.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.config.InvalidSettingException;

class QuarantineSettingsTest {

    @Test
    void defaults() {
        QuarantineSettings settings = QuarantineSettings.from(new BaseConfiguration());

        assertThat(settings.repository()).isEqualTo(MailRepositoryUrl.from("postgres://var/mail/quarantine/"));
        assertThat(settings.listMax()).isEqualTo(1000);
        assertThat(settings.defaultPage()).isEqualTo(100);
    }

    @Test
    void readsItsKeysAndLeavesOtherSecurityKeysToTheirOwners() {
        BaseConfiguration conf = new BaseConfiguration();
        conf.setProperty(QuarantineSettings.REPOSITORY_URL, "memory://var/mail/quarantine/");
        conf.setProperty(QuarantineSettings.LIST_MAX, "20");
        conf.setProperty("security.spam.policy", "tag");

        QuarantineSettings settings = QuarantineSettings.from(conf);

        assertThat(settings.repository()).isEqualTo(MailRepositoryUrl.from("memory://var/mail/quarantine/"));
        assertThat(settings.listMax()).isEqualTo(20);
        assertThat(settings.defaultPage()).isEqualTo(20);
    }

    @Test
    void anUnknownQuarantineKeyIsRefusedByName() {
        BaseConfiguration conf = new BaseConfiguration();
        conf.setProperty("security.quarantine.repository", "postgres://var/mail/quarantine/");

        assertThatThrownBy(() -> QuarantineSettings.from(conf))
            .isInstanceOf(InvalidSettingException.class)
            .hasMessageContaining("security.quarantine.repository")
            .hasMessageContaining(QuarantineSettings.REPOSITORY_URL);
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        for (String url : new String[] {"no-protocol", "postgres://"}) {
            BaseConfiguration conf = new BaseConfiguration();
            conf.setProperty(QuarantineSettings.REPOSITORY_URL, url);
            assertThatThrownBy(() -> QuarantineSettings.from(conf)).as(url)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(QuarantineSettings.REPOSITORY_URL);
        }
        for (String max : new String[] {"0", "10001", "many"}) {
            BaseConfiguration conf = new BaseConfiguration();
            conf.setProperty(QuarantineSettings.LIST_MAX, max);
            assertThatThrownBy(() -> QuarantineSettings.from(conf)).as(max)
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageContaining(QuarantineSettings.LIST_MAX);
        }
    }
}
