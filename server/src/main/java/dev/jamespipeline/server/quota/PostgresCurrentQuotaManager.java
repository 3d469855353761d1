package dev.jamespipeline.server.quota;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.james.core.quota.QuotaCountUsage;
import org.apache.james.core.quota.QuotaSizeUsage;
import org.apache.james.mailbox.model.CurrentQuotas;
import org.apache.james.mailbox.model.QuotaOperation;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.mailbox.quota.CurrentQuotaManager;
import org.apache.james.util.ReactorUtils;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * Current usage per quota root in table {@code quota_current}. Increases and decreases are one
 * {@code INSERT ... ON CONFLICT DO UPDATE SET x = x + delta}: concurrent deliveries on any number of
 * nodes add up exactly (a read-then-write, as James's JPA manager does, loses updates).
 */
public final class PostgresCurrentQuotaManager implements CurrentQuotaManager {
    private static final String ADD = "INSERT INTO quota_current (quota_root, message_count, size) VALUES (?, ?, ?) "
        + "ON CONFLICT (quota_root) DO UPDATE SET message_count = quota_current.message_count + EXCLUDED.message_count, "
        + "size = quota_current.size + EXCLUDED.size";
    private static final String SET = "INSERT INTO quota_current (quota_root, message_count, size) VALUES (?, ?, ?) "
        + "ON CONFLICT (quota_root) DO UPDATE SET message_count = EXCLUDED.message_count, size = EXCLUDED.size";

    private final DataSource dataSource;

    @Inject
    public PostgresCurrentQuotaManager(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Publisher<QuotaCountUsage> getCurrentMessageCount(QuotaRoot quotaRoot) {
        return Mono.from(getCurrentQuotas(quotaRoot)).map(CurrentQuotas::count);
    }

    @Override
    public Publisher<QuotaSizeUsage> getCurrentStorage(QuotaRoot quotaRoot) {
        return Mono.from(getCurrentQuotas(quotaRoot)).map(CurrentQuotas::size);
    }

    @Override
    public Publisher<CurrentQuotas> getCurrentQuotas(QuotaRoot quotaRoot) {
        return Mono.fromCallable(() -> read(quotaRoot)).subscribeOn(ReactorUtils.BLOCKING_CALL_WRAPPER);
    }

    @Override
    public Publisher<Void> increase(QuotaOperation operation) {
        return write(ADD, operation.quotaRoot(), operation.count().asLong(), operation.size().asLong());
    }

    @Override
    public Publisher<Void> decrease(QuotaOperation operation) {
        return write(ADD, operation.quotaRoot(), -operation.count().asLong(), -operation.size().asLong());
    }

    @Override
    public Publisher<Void> setCurrentQuotas(QuotaOperation operation) {
        return write(SET, operation.quotaRoot(), operation.count().asLong(), operation.size().asLong());
    }

    private CurrentQuotas read(QuotaRoot quotaRoot) throws SQLException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                 "SELECT message_count, size FROM quota_current WHERE quota_root = ?")) {
            statement.setString(1, quotaRoot.getValue());
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    return CurrentQuotas.emptyQuotas();
                }
                return new CurrentQuotas(QuotaCountUsage.count(row.getLong(1)), QuotaSizeUsage.size(row.getLong(2)));
            }
        }
    }

    private Mono<Void> write(String sql, QuotaRoot quotaRoot, long count, long size) {
        return Mono.<Void>fromRunnable(() -> {
            try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setString(1, quotaRoot.getValue());
                statement.setLong(2, count);
                statement.setLong(3, size);
                statement.executeUpdate();
            } catch (SQLException e) {
                throw new IllegalStateException("quota_current: updating " + quotaRoot.getValue() + " failed", e);
            }
        }).subscribeOn(ReactorUtils.BLOCKING_CALL_WRAPPER);
    }
}
