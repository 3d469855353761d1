package dev.jamespipeline.server.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.Configuration;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.server.database.DatabaseConfiguration.Backend;

class DatabaseConfigurationTest {
    private static final String URL = "jdbc:postgresql://127.0.0.1:5432/james";

    @Test
    void readsJamesKeysAndOurs() {
        DatabaseConfiguration configuration = DatabaseConfiguration.from(conf(Map.of(
            "database.driverClassName", "org.postgresql.Driver",
            "database.url", URL,
            "database.username", "james",
            "database.password", "p,w",
            "database.pool.size", "4")));

        assertThat(configuration).isEqualTo(new DatabaseConfiguration(Backend.POSTGRESQL, URL, Optional.of("james"),
            Optional.of("p,w"), 4, 30_000));
    }

    @Test
    void defaultsToPostgresqlWithTenConnections() {
        DatabaseConfiguration configuration = DatabaseConfiguration.from(conf(Map.of("database.url", URL)));

        assertThat(configuration.backend()).isEqualTo(Backend.POSTGRESQL);
        assertThat(configuration.poolSize()).isEqualTo(10);
        assertThat(configuration.username()).isEmpty();
    }

    @Test
    void theMemoryBackendNeedsNoUrl() {
        assertThat(DatabaseConfiguration.backend(conf(Map.of("backend", "memory")))).isEqualTo(Backend.MEMORY);
    }

    @Test
    void errorsNameTheKey() {
        assertThatThrownBy(() -> DatabaseConfiguration.from(conf(Map.of())))
            .hasMessageContaining("database.url");
        assertThatThrownBy(() -> DatabaseConfiguration.from(conf(Map.of("database.url", "jdbc:mysql://db/james"))))
            .hasMessageContaining("database.url='jdbc:mysql://db/james'");
        assertThatThrownBy(() -> DatabaseConfiguration.from(conf(Map.of("database.url", URL, "database.pool.size", "0"))))
            .hasMessageContaining("database.pool.size='0'");
        assertThatThrownBy(() -> DatabaseConfiguration.from(conf(Map.of("database.url", URL,
                "database.driverClassName", "org.apache.derby.jdbc.EmbeddedDriver"))))
            .hasMessageContaining("database.driverClassName");
        assertThatThrownBy(() -> DatabaseConfiguration.backend(conf(Map.of("backend", "cassandra"))))
            .hasMessageContaining("backend='cassandra'");
        assertThatThrownBy(() -> DatabaseConfiguration.from(conf(Map.of("database.url", URL, "database.pool.sise", "4"))))
            .hasMessageContaining("unknown key(s) database.pool.sise");
    }

    @Test
    void aPasswordWithoutUserIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> DatabaseConfiguration.from(conf(Map.of("database.url", URL, "database.password", "s3cret"))))
            .hasMessageContaining("database.password")
            .hasMessageNotContaining("s3cret");
    }

    private static Configuration conf(Map<String, String> values) {
        BaseConfiguration conf = new BaseConfiguration();
        values.forEach(conf::addProperty);
        return conf;
    }
}
