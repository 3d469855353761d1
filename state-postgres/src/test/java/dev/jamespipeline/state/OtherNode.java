package dev.jamespipeline.state;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.jamespipeline.testing.PostgresTestDatabase;

/** Another node's connection pool on the same database: what a second James node would have. */
final class OtherNode {
    private OtherNode() {
    }

    static HikariDataSource pool(PostgresTestDatabase database, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(database.jdbcUrl());
        config.setMaximumPoolSize(size);
        config.setPoolName("other-node-" + database.name());
        return new HikariDataSource(config);
    }
}
