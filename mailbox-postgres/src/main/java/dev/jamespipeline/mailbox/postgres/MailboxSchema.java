package dev.jamespipeline.mailbox.postgres;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

/**
 * Brings the mailbox tables to this version's schema with Flyway: versioned scripts under
 * {@code db/migration/mailbox}, their own history table, applied under Flyway's lock, so several
 * nodes starting at once migrate once.
 */
public final class MailboxSchema {
    public static final String HISTORY_TABLE = "mailbox_schema_history";

    private MailboxSchema() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/migration/mailbox")
            .table(HISTORY_TABLE)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load()
            .migrate();
    }
}
