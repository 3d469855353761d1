package dev.jamespipeline.state;

import javax.sql.DataSource;

import org.flywaydb.core.Flyway;

/**
 * Brings the pipeline's tables to this version's schema: versioned scripts under
 * {@code db/migration/pipeline} with their own history table, so they never mix with the
 * mailbox's migrations in the same database, applied under Flyway's lock when several nodes start at once.
 */
public final class PipelineStateSchema {
    public static final String HISTORY_TABLE = "pipeline_schema_history";

    private PipelineStateSchema() {
    }

    public static void migrate(DataSource dataSource) {
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/migration/pipeline")
            .table(HISTORY_TABLE)
            .baselineOnMigrate(true)
            .baselineVersion("0")
            .load()
            .migrate();
    }
}
