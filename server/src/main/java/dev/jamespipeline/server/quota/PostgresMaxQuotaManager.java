package dev.jamespipeline.server.quota;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongFunction;
import java.util.function.Supplier;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.james.core.Domain;
import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.core.quota.QuotaSizeLimit;
import org.apache.james.mailbox.model.Quota;
import org.apache.james.mailbox.model.QuotaRoot;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.util.ReactorUtils;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

/**
 * Quota limits (global, per domain, per quota root) in table {@code quota_max}: one row per scope,
 * target and kind; no row is "not set", {@code -1} is "unlimited".
 */
public final class PostgresMaxQuotaManager implements MaxQuotaManager {
    private static final String GLOBAL_TARGET = "";
    private static final long UNLIMITED = -1;

    private enum Scope { GLOBAL, DOMAIN, USER }

    private enum Kind { COUNT, SIZE }

    private final DataSource dataSource;

    @Inject
    public PostgresMaxQuotaManager(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void setMaxStorage(QuotaRoot quotaRoot, QuotaSizeLimit limit) {
        set(Scope.USER, quotaRoot.getValue(), Kind.SIZE, encode(limit));
    }

    @Override
    public Publisher<Void> setMaxStorageReactive(QuotaRoot quotaRoot, QuotaSizeLimit limit) {
        return blocking(() -> setMaxStorage(quotaRoot, limit));
    }

    @Override
    public void setMaxMessage(QuotaRoot quotaRoot, QuotaCountLimit limit) {
        set(Scope.USER, quotaRoot.getValue(), Kind.COUNT, encode(limit));
    }

    @Override
    public Publisher<Void> setMaxMessageReactive(QuotaRoot quotaRoot, QuotaCountLimit limit) {
        return blocking(() -> setMaxMessage(quotaRoot, limit));
    }

    @Override
    public void removeMaxMessage(QuotaRoot quotaRoot) {
        remove(Scope.USER, quotaRoot.getValue(), Kind.COUNT);
    }

    @Override
    public Publisher<Void> removeMaxMessageReactive(QuotaRoot quotaRoot) {
        return blocking(() -> removeMaxMessage(quotaRoot));
    }

    @Override
    public void removeMaxStorage(QuotaRoot quotaRoot) {
        remove(Scope.USER, quotaRoot.getValue(), Kind.SIZE);
    }

    @Override
    public Publisher<Void> removeMaxStorageReactive(QuotaRoot quotaRoot) {
        return blocking(() -> removeMaxStorage(quotaRoot));
    }

    @Override
    public void setGlobalMaxStorage(QuotaSizeLimit limit) {
        set(Scope.GLOBAL, GLOBAL_TARGET, Kind.SIZE, encode(limit));
    }

    @Override
    public Publisher<Void> setGlobalMaxStorageReactive(QuotaSizeLimit limit) {
        return blocking(() -> setGlobalMaxStorage(limit));
    }

    @Override
    public void removeGlobalMaxStorage() {
        remove(Scope.GLOBAL, GLOBAL_TARGET, Kind.SIZE);
    }

    @Override
    public Publisher<Void> removeGlobalMaxStorageReactive() {
        return blocking(this::removeGlobalMaxStorage);
    }

    @Override
    public void setGlobalMaxMessage(QuotaCountLimit limit) {
        set(Scope.GLOBAL, GLOBAL_TARGET, Kind.COUNT, encode(limit));
    }

    @Override
    public Publisher<Void> setGlobalMaxMessageReactive(QuotaCountLimit limit) {
        return blocking(() -> setGlobalMaxMessage(limit));
    }

    @Override
    public void removeGlobalMaxMessage() {
        remove(Scope.GLOBAL, GLOBAL_TARGET, Kind.COUNT);
    }

    @Override
    public Publisher<Void> removeGlobalMaxMessageReactive() {
        return blocking(this::removeGlobalMaxMessage);
    }

    @Override
    public Optional<QuotaSizeLimit> getGlobalMaxStorage() {
        return get(Scope.GLOBAL, GLOBAL_TARGET, Kind.SIZE, PostgresMaxQuotaManager::sizeLimit);
    }

    @Override
    public Publisher<QuotaSizeLimit> getGlobalMaxStorageReactive() {
        return blockingGet(this::getGlobalMaxStorage);
    }

    @Override
    public Optional<QuotaCountLimit> getGlobalMaxMessage() {
        return get(Scope.GLOBAL, GLOBAL_TARGET, Kind.COUNT, PostgresMaxQuotaManager::countLimit);
    }

    @Override
    public Publisher<QuotaCountLimit> getGlobalMaxMessageReactive() {
        return blockingGet(this::getGlobalMaxMessage);
    }

    @Override
    public Map<Quota.Scope, QuotaCountLimit> listMaxMessagesDetails(QuotaRoot quotaRoot) {
        return details(quotaRoot, Kind.COUNT, PostgresMaxQuotaManager::countLimit);
    }

    @Override
    public Map<Quota.Scope, QuotaSizeLimit> listMaxStorageDetails(QuotaRoot quotaRoot) {
        return details(quotaRoot, Kind.SIZE, PostgresMaxQuotaManager::sizeLimit);
    }

    @Override
    public Optional<QuotaCountLimit> getDomainMaxMessage(Domain domain) {
        return get(Scope.DOMAIN, domain.asString(), Kind.COUNT, PostgresMaxQuotaManager::countLimit);
    }

    @Override
    public Publisher<QuotaCountLimit> getDomainMaxMessageReactive(Domain domain) {
        return blockingGet(() -> getDomainMaxMessage(domain));
    }

    @Override
    public void setDomainMaxMessage(Domain domain, QuotaCountLimit limit) {
        set(Scope.DOMAIN, domain.asString(), Kind.COUNT, encode(limit));
    }

    @Override
    public Publisher<Void> setDomainMaxMessageReactive(Domain domain, QuotaCountLimit limit) {
        return blocking(() -> setDomainMaxMessage(domain, limit));
    }

    @Override
    public void removeDomainMaxMessage(Domain domain) {
        remove(Scope.DOMAIN, domain.asString(), Kind.COUNT);
    }

    @Override
    public Publisher<Void> removeDomainMaxMessageReactive(Domain domain) {
        return blocking(() -> removeDomainMaxMessage(domain));
    }

    @Override
    public void setDomainMaxStorage(Domain domain, QuotaSizeLimit limit) {
        set(Scope.DOMAIN, domain.asString(), Kind.SIZE, encode(limit));
    }

    @Override
    public Publisher<Void> setDomainMaxStorageReactive(Domain domain, QuotaSizeLimit limit) {
        return blocking(() -> setDomainMaxStorage(domain, limit));
    }

    @Override
    public Optional<QuotaSizeLimit> getDomainMaxStorage(Domain domain) {
        return get(Scope.DOMAIN, domain.asString(), Kind.SIZE, PostgresMaxQuotaManager::sizeLimit);
    }

    @Override
    public Publisher<QuotaSizeLimit> getDomainMaxStorageReactive(Domain domain) {
        return blockingGet(() -> getDomainMaxStorage(domain));
    }

    @Override
    public void removeDomainMaxStorage(Domain domain) {
        remove(Scope.DOMAIN, domain.asString(), Kind.SIZE);
    }

    @Override
    public Publisher<Void> removeDomainMaxStorageReactive(Domain domain) {
        return blocking(() -> removeDomainMaxStorage(domain));
    }

    /** The limits that apply to this root, most specific first: its own, its domain's, the global one. */
    private <T> Map<Quota.Scope, T> details(QuotaRoot quotaRoot, Kind kind, LongFunction<T> decode) {
        Map<Quota.Scope, T> limits = new LinkedHashMap<>();
        get(Scope.USER, quotaRoot.getValue(), kind, decode).ifPresent(limit -> limits.put(Quota.Scope.User, limit));
        quotaRoot.getDomain().flatMap(domain -> get(Scope.DOMAIN, domain.asString(), kind, decode))
            .ifPresent(limit -> limits.put(Quota.Scope.Domain, limit));
        get(Scope.GLOBAL, GLOBAL_TARGET, kind, decode).ifPresent(limit -> limits.put(Quota.Scope.Global, limit));
        return limits;
    }

    private static long encode(QuotaCountLimit limit) {
        return limit.isLimited() ? limit.asLong() : UNLIMITED;
    }

    private static long encode(QuotaSizeLimit limit) {
        return limit.isLimited() ? limit.asLong() : UNLIMITED;
    }

    private static QuotaCountLimit countLimit(long value) {
        return value == UNLIMITED ? QuotaCountLimit.unlimited() : QuotaCountLimit.count(value);
    }

    private static QuotaSizeLimit sizeLimit(long value) {
        return value == UNLIMITED ? QuotaSizeLimit.unlimited() : QuotaSizeLimit.size(value);
    }

    private void set(Scope scope, String target, Kind kind, long value) {
        update("INSERT INTO quota_max (scope, target, kind, max_value) VALUES (?, ?, ?, ?) "
            + "ON CONFLICT (scope, target, kind) DO UPDATE SET max_value = EXCLUDED.max_value", scope, target, kind, value);
    }

    private void remove(Scope scope, String target, Kind kind) {
        update("DELETE FROM quota_max WHERE scope = ? AND target = ? AND kind = ?", scope, target, kind, null);
    }

    private void update(String sql, Scope scope, String target, Kind kind, Long value) {
        try (Connection connection = dataSource.getConnection(); PreparedStatement statement = connection.prepareStatement(sql)) {
            bindKey(statement, scope, target, kind);
            if (value != null) {
                statement.setLong(4, value);
            }
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("quota_max: " + sql + " failed", e);
        }
    }

    private <T> Optional<T> get(Scope scope, String target, Kind kind, LongFunction<T> decode) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                 "SELECT max_value FROM quota_max WHERE scope = ? AND target = ? AND kind = ?")) {
            bindKey(statement, scope, target, kind);
            try (ResultSet row = statement.executeQuery()) {
                return row.next() ? Optional.of(decode.apply(row.getLong(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("quota_max: reading " + scope + " " + target + " failed", e);
        }
    }

    private static void bindKey(PreparedStatement statement, Scope scope, String target, Kind kind) throws SQLException {
        statement.setString(1, scope.name().toLowerCase(Locale.ROOT));
        statement.setString(2, target);
        statement.setString(3, kind.name().toLowerCase(Locale.ROOT));
    }

    private static Mono<Void> blocking(Runnable call) {
        return Mono.fromRunnable(call).subscribeOn(ReactorUtils.BLOCKING_CALL_WRAPPER).then();
    }

    private static <T> Mono<T> blockingGet(Supplier<Optional<T>> call) {
        return Mono.fromCallable(call::get).subscribeOn(ReactorUtils.BLOCKING_CALL_WRAPPER).flatMap(Mono::justOrEmpty);
    }
}
