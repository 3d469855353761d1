package dev.jamespipeline.mailbox.postgres.mail;

import java.sql.PreparedStatement;
import java.time.Duration;

import javax.sql.DataSource;

import org.apache.james.mailbox.exception.MailboxException;

import com.google.common.base.Preconditions;

import dev.jamespipeline.mailbox.postgres.Jdbc;

/**
 * Deletes what a failed append leaves behind. James stores a message's attachments and thread
 * rows before the message, each in its own transaction; when the message itself then fails to be
 * stored, they refer to a message that never was. Once older than a grace period longer than any
 * append takes, such rows are deleted. (Those of stored messages go with their message.)
 */
public final class OrphanSweeper {
    private static final String[] TABLES = {"attachment", "message_thread"};

    private final DataSource dataSource;

    public OrphanSweeper(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Deletes the orphan rows stored more than {@code grace} ago; returns how many. */
    public int sweep(Duration grace) throws MailboxException {
        Preconditions.checkArgument(!grace.isNegative(), "grace must not be negative, was %s", grace);
        return Jdbc.call(() -> Jdbc.inTransaction(dataSource, connection -> {
            int deleted = 0;
            for (String table : TABLES) {
                try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM " + table + " o WHERE o.stored_at < now() - make_interval(secs => ?)"
                        + " AND NOT EXISTS (SELECT 1 FROM message m WHERE m.message_id = o.message_id)")) {
                    delete.setDouble(1, grace.toMillis() / 1000.0);
                    deleted += delete.executeUpdate();
                }
            }
            return deleted;
        }));
    }
}
