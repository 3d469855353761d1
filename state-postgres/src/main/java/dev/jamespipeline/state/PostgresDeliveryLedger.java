package dev.jamespipeline.state;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.sql.DataSource;

import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;

/**
 * The ledger as rows keyed by (pipeline id, effect, subject), shared by every node: the primary key
 * makes a claim hold across nodes, and a committed insert is durable (synchronous_commit).
 */
public final class PostgresDeliveryLedger implements DeliveryLedger {
    static final String INSERT = "INSERT INTO pipeline_ledger (pipeline_id, effect, subject) VALUES (?, ?, ?) ON CONFLICT DO NOTHING";

    private final DataSource dataSource;

    public PostgresDeliveryLedger(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public boolean contains(String pipelineId, LedgerEntry entry) throws IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                 "SELECT 1 FROM pipeline_ledger WHERE pipeline_id = ? AND effect = ? AND subject = ?")) {
            bind(select, pipelineId, entry);
            try (ResultSet found = select.executeQuery()) {
                return found.next();
            }
        } catch (SQLException e) {
            throw new IOException("ledger lookup of " + pipelineId + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void record(String pipelineId, LedgerEntry entry) throws IOException {
        try (Connection connection = dataSource.getConnection()) {
            record(connection, pipelineId, entry);
        } catch (SQLException e) {
            throw new IOException("ledger write of " + pipelineId + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * Records in the caller's transaction.
     *
     * @return true if this call recorded it, false if it was already there (a claim someone else holds)
     */
    static boolean record(Connection connection, String pipelineId, LedgerEntry entry) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            bind(insert, pipelineId, entry);
            return insert.executeUpdate() == 1;
        }
    }

    private static void bind(PreparedStatement statement, String pipelineId, LedgerEntry entry) throws SQLException {
        statement.setString(1, PipelineIds.requireValid(pipelineId));
        statement.setString(2, entry.effect().name());
        statement.setString(3, entry.subject());
    }
}
