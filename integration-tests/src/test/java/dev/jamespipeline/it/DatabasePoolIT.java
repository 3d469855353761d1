package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamespipeline.server.database.PooledDataSource;

/**
 * James opens one bounded pool on the PostgreSQL of james-database.properties (mailbox, James's data
 * and the schema migrations all use it) and closes it when it stops.
 */
class DatabasePoolIT {
    @TempDir
    Path workDir;

    @Test
    void jamesUsesAtMostItsPoolSizeAndClosesEveryConnectionWhenItStops() throws Exception {
        try (PipelineJames james = PipelineJames.start(workDir, RabbitMQEndpoint.amqpUri(), Map.of(),
                Map.of("james-database.properties", text -> text.replace("database.pool.size=10", "database.pool.size=3")))) {
            james.withUsers(PipelineJamesExtension.DOMAIN, "bob");
            assertThat(james.smtp().send("alice@" + PipelineJamesExtension.DOMAIN, "pool", "body",
                "bob@" + PipelineJamesExtension.DOMAIN).code()).isEqualTo(250);

            assertThat(connectionsTo(james)).isBetween(1, 3);

            james.server().stop();
            assertThat(connectionsTo(james)).isZero();
        }
    }

    /** James's connections as the server counts them (pg_stat_activity), not the test's own. */
    private static int connectionsTo(PipelineJames james) throws Exception {
        try (Connection admin = DriverManager.getConnection(james.database().jdbcUrl());
             PreparedStatement statement = admin.prepareStatement(
                 "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND application_name = ?")) {
            statement.setString(1, james.database().name());
            statement.setString(2, PooledDataSource.APPLICATION_NAME);
            try (ResultSet count = statement.executeQuery()) {
                count.next();
                return count.getInt(1);
            }
        }
    }
}
