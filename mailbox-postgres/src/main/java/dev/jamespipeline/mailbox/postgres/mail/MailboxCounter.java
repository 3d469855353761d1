package dev.jamespipeline.mailbox.postgres.mail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.MailboxId;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;

/**
 * One of a mailbox row's counters ({@code last_uid}, {@code highest_modseq}). Advancing it is a
 * single {@code UPDATE ... RETURNING} in its own short transaction: PostgreSQL's row lock orders
 * concurrent callers on every node, and the lock is released before the caller writes its message.
 * A value taken by a caller whose insert later fails is never reused: a gap, which IMAP allows.
 */
enum MailboxCounter {
    LAST_UID("last_uid"),
    HIGHEST_MODSEQ("highest_modseq");

    private final String advance;
    private final String read;

    MailboxCounter(String column) {
        this.advance = "UPDATE mailbox SET " + column + " = " + column + " + ? WHERE mailbox_id = ? RETURNING " + column;
        this.read = "SELECT " + column + " FROM mailbox WHERE mailbox_id = ?";
    }

    /** Adds {@code count} and returns the new value: the caller owns {@code value - count + 1 .. value}. */
    long advance(DataSource dataSource, MailboxId id, int count) throws MailboxException {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        return Jdbc.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement update = connection.prepareStatement(advance)) {
                update.setLong(1, count);
                update.setObject(2, ((PostgresMailboxId) id).asUuid());
                return single(update, id);
            }
        });
    }

    /**
     * Adds one in the caller's transaction, which then holds the mailbox row until it ends: for a
     * flags update, whose modseq must not be overtaken by a later one that commits first. Empty
     * when the mailbox does not exist.
     */
    Optional<Long> advanceInTransaction(Connection transaction, UUID mailboxId) throws SQLException {
        try (PreparedStatement update = transaction.prepareStatement(advance)) {
            update.setLong(1, 1);
            update.setObject(2, mailboxId);
            try (ResultSet row = update.executeQuery()) {
                return row.next() ? Optional.of(row.getLong(1)) : Optional.empty();
            }
        }
    }

    long current(DataSource dataSource, MailboxId id) throws MailboxException {
        return Jdbc.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement(read)) {
                select.setObject(1, ((PostgresMailboxId) id).asUuid());
                return single(select, id);
            }
        });
    }

    private static long single(PreparedStatement statement, MailboxId id) throws SQLException, MailboxNotFoundException {
        try (ResultSet row = statement.executeQuery()) {
            if (!row.next()) {
                throw new MailboxNotFoundException(id);
            }
            return row.getLong(1);
        }
    }
}
