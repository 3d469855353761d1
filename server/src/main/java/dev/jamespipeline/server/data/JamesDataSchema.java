package dev.jamespipeline.server.data;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

/**
 * The tables of James's data (users, domains, rewrites, Sieve, mail repositories, quotas), versioned by
 * Flyway in {@code db/migration/data} with a history table of their own, next to the mailbox's. Nodes
 * starting at once are safe: Flyway holds a PostgreSQL advisory lock while it migrates.
 */
public final class JamesDataSchema {
    public static final String HISTORY_TABLE = "data_schema_history";

    private JamesDataSchema() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/migration/data")
            .table(HISTORY_TABLE)
            // The database may already hold the mailbox's tables (their own history table).
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load()
            .migrate();
    }
}
