package dev.jamespipeline.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import javax.sql.DataSource;

import dev.jamespipeline.core.retention.RetentionSchedule;

/**
 * Deletes what the pipeline no longer needs, in batches so no delete holds locks for long:
 * <ul>
 *   <li>stored messages released more than {@code grace} ago (see {@code docs/operators.md} for when
 *       a message is released, and why a dead-lettered one never is until it is replayed);</li>
 *   <li>ledger entries, per-mailbox delivery claims and withdrawal marks older than {@code retention}.</li>
 * </ul>
 * Times are the database's, one clock for every node. Sweepers of several nodes may run at once:
 * they delete the same rows, which costs a little waiting and nothing else. {@link RetentionSchedule}
 * runs it.
 */
public final class RetentionSweeper implements RetentionSchedule.Sweep {
    private static final int BATCH = 1000;

    private final DataSource dataSource;
    private final Duration grace;
    private final Duration retention;

    public RetentionSweeper(DataSource dataSource, Duration grace, Duration retention) {
        this.dataSource = dataSource;
        this.grace = grace;
        this.retention = retention;
    }

    /** What one sweep deleted. */
    public record Swept(long messages, long ledgerEntries, long deliveryClaims, long withdrawalMarks)
            implements RetentionSchedule.Swept {
        @Override
        public long total() {
            return messages + ledgerEntries + deliveryClaims + withdrawalMarks;
        }
    }

    @Override
    public Swept sweep() throws SQLException {
        return new Swept(
            deleteOlderThan("pipeline_message", "released_at", grace),
            deleteOlderThan("pipeline_ledger", "recorded_at", retention),
            deleteOlderThan("pipeline_mailbox_delivery", "delivered_at", retention),
            deleteOlderThan("pipeline_withdrawn_message", "withdrawn_at", retention));
    }

    /** Table and column names are this class's constants, never input. */
    private long deleteOlderThan(String table, String column, Duration age) throws SQLException {
        String sql = "DELETE FROM " + table + " WHERE ctid = ANY (ARRAY(SELECT ctid FROM " + table + " WHERE " + column
            + " < now() - (? * interval '1 millisecond') LIMIT " + BATCH + "))";
        long total = 0;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement(sql)) {
            delete.setLong(1, age.toMillis());
            for (int deleted = BATCH; deleted == BATCH; total += deleted) {
                deleted = delete.executeUpdate();
            }
        }
        return total;
    }
}
