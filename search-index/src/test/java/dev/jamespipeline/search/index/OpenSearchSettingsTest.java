package dev.jamespipeline.search.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class OpenSearchSettingsTest {
    private static final OpenSearchSettings DEFAULTS = OpenSearchSettings.defaults();

    @Test
    void defaultsAreTheLocalSingleNode() {
        assertThat(DEFAULTS).isEqualTo(new OpenSearchSettings(URI.create("http://127.0.0.1:9200"), Optional.empty(),
            Optional.empty(), "james-mail-v2", 1, 0, Duration.ofSeconds(10)));
    }

    @Test
    void refusesWhatOpenSearchWouldRefuseWithAClearMessage() {
        assertThatThrownBy(() -> DEFAULTS.withUrl(URI.create("ftp://host:9200")))
            .hasMessageContaining("http:// or https://");
        assertThatThrownBy(() -> DEFAULTS.withUrl(URI.create("http://host:9200/prefix")))
            .hasMessageContaining("must not have a path");
        assertThatThrownBy(() -> DEFAULTS.withIndexName("James-Mail"))
            .hasMessageContaining("Invalid OpenSearch index name 'James-Mail'");
        assertThatThrownBy(() -> DEFAULTS.withIndexName("_mail")).hasMessageContaining("not starting with");
        assertThatThrownBy(() -> DEFAULTS.withIndexName("mail box")).hasMessageContaining("Invalid");
        assertThatThrownBy(() -> new OpenSearchSettings(DEFAULTS.url(), Optional.of("admin"), Optional.empty(),
            "mail", Duration.ofSeconds(1))).hasMessageContaining("user and password go together");
        assertThatThrownBy(() -> new OpenSearchSettings(DEFAULTS.url(), Optional.empty(), Optional.empty(),
            "mail", 0, 0, Duration.ofSeconds(1))).hasMessageContaining("at least one shard");
        assertThatThrownBy(() -> new OpenSearchSettings(DEFAULTS.url(), Optional.empty(), Optional.empty(),
            "mail", Duration.ZERO)).hasMessageContaining("timeout must be positive");
    }

    @Test
    void toStringHidesThePassword() {
        OpenSearchSettings withPassword = new OpenSearchSettings(DEFAULTS.url(), Optional.of("admin"),
            Optional.of("s3cret"), "mail", Duration.ofSeconds(1));

        assertThat(withPassword.toString()).contains("admin").doesNotContain("s3cret");
    }
}
