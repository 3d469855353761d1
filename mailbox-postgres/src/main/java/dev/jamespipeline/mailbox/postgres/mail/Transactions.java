package dev.jamespipeline.mailbox.postgres.mail;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Optional;
import java.util.function.Function;

import javax.sql.DataSource;

import org.apache.james.mailbox.exception.MailboxException;

/**
 * Runs work in one JDBC transaction on a pooled connection: commit on return, roll back on any
 * exception. SQL failures come out as {@link MailboxException}, which James's mapper API throws.
 */
public final class Transactions {
    private final DataSource dataSource;

    public Transactions(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public <T> T inTransaction(SqlWork<T> work) throws MailboxException {
        return inTransaction(work, failure -> Optional.empty());
    }

    /** As {@link #inTransaction(SqlWork)}, {@code expected} turning the SQL failures it knows into James's exceptions. */
    public <T> T inTransaction(SqlWork<T> work, Function<SQLException, Optional<MailboxException>> expected) throws MailboxException {
        try {
            return run(work);
        } catch (SQLException e) {
            Optional<MailboxException> known = expected.apply(e);
            if (known.isPresent()) {
                throw known.get();
            }
            throw new MailboxException("PostgreSQL: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new MailboxException("Cannot read message content: " + e.getMessage(), e);
        }
    }

    private <T> T run(SqlWork<T> work) throws SQLException, IOException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | IOException | RuntimeException | Error e) {
                connection.rollback();
                throw e;
            }
        }
    }
}
