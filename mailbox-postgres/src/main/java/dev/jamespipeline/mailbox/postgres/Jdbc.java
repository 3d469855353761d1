package dev.jamespipeline.mailbox.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

import javax.sql.DataSource;

import org.apache.james.mailbox.exception.MailboxException;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Runs blocking JDBC work for James's reactive mapper SPI: on Reactor's bounded-elastic threads (never
 * on its non-blocking ones), with {@link SQLException}s turned into {@link MailboxException}s.
 */
public final class Jdbc {
    public static final String UNIQUE_VIOLATION = "23505";

    @FunctionalInterface
    public interface Work<T> {
        T run() throws SQLException, MailboxException;
    }

    /** Work that fails only with SQL errors, for SPI methods that throw their own exception type. */
    @FunctionalInterface
    public interface SqlWork<T> {
        T run() throws SQLException;
    }

    @FunctionalInterface
    public interface TransactionWork<T> {
        T run(Connection transaction) throws SQLException, MailboxException;
    }

    private Jdbc() {
    }

    /** The work's result, or empty when it returns null. */
    public static <T> Mono<T> mono(Work<T> work) {
        return Mono.fromCallable(() -> call(work)).subscribeOn(Schedulers.boundedElastic());
    }

    public static <T> Flux<T> flux(Work<List<T>> work) {
        return mono(work).flatMapIterable(list -> list);
    }

    /** Calls the work on the caller's thread, for the blocking parts of the SPI. */
    public static <T> T call(Work<T> work) throws MailboxException {
        try {
            return work.run();
        } catch (SQLException e) {
            throw new MailboxException("PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** Calls the work on the caller's thread, an SQL failure turned into the SPI method's exception. */
    public static <T, E extends Exception> T call(SqlWork<T> work, Function<SQLException, E> failure) throws E {
        try {
            return work.run();
        } catch (SQLException e) {
            throw failure.apply(e);
        }
    }

    /** Runs the work in one transaction: committed if it returns, rolled back if it throws. */
    public static <T> T inTransaction(DataSource dataSource, TransactionWork<T> work) throws SQLException, MailboxException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | MailboxException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        }
    }
}
