package dev.jamespipeline.stages;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import dev.jamespipeline.state.PipelineStateSchema;
import dev.jamespipeline.state.PostgresDeliveryLedger;
import dev.jamespipeline.state.PostgresMessageStore;
import dev.jamespipeline.state.RetentionSweeper;
import dev.jamespipeline.testing.PostgresTestDatabase;

/** {@code store.backend=postgres}, {@code ledger.backend=postgres}. */
class PostgresStageRunnerRetentionTest extends StageRunnerRetentionContract {
    private PostgresTestDatabase database;

    @BeforeEach
    void createDatabase() {
        database = PostgresTestDatabase.create(4);
        PipelineStateSchema.migrate(database.dataSource());
        store = new PostgresMessageStore(database.dataSource());
        ledger = new PostgresDeliveryLedger(database.dataSource());
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Override
    long storedMessages() throws SQLException {
        return count("pipeline_message");
    }

    @Override
    long storeEntries() throws SQLException {
        return count("pipeline_message") + count("pipeline_withdrawn_message");
    }

    private long count(String table) throws SQLException {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM " + table)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** Moves the release times back rather than waiting for the clock. */
    @Override
    void sweepAfterTheGracePeriod() throws SQLException {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("UPDATE pipeline_message SET released_at = released_at - interval '11 minutes'");
        }
        new RetentionSweeper(database.dataSource(), Duration.ofMinutes(10), Duration.ofDays(7)).sweep();
    }
}
