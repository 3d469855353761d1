package dev.jamespipeline.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** Writes an event to the outbox in the caller's transaction and wakes the relays when it commits. */
final class Outbox {
    private Outbox() {
    }

    static void add(Connection transaction, String routingKey, byte[] payload) throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement(
                 "INSERT INTO pipeline_outbox (routing_key, payload) VALUES (?, ?)");
             Statement notify = transaction.createStatement()) {
            insert.setString(1, routingKey);
            insert.setBytes(2, payload);
            insert.executeUpdate();
            // PostgreSQL folds identical notifications of one transaction into one, sent at commit.
            notify.execute("NOTIFY " + PipelineAppendHook.CHANNEL);
        }
    }
}
