package dev.jamespipeline.mailbox.postgres.mail;

import java.sql.PreparedStatement;
import java.sql.ResultSet;

import javax.sql.DataSource;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.MailboxId;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;

/**
 * The UID and modseq of a message about to be added to a mailbox (append, copy, move), both taken
 * in one {@code UPDATE … RETURNING} of the mailbox row, whose lock orders concurrent additions on
 * every node.
 * <p>
 * Appends to one mailbox queue on that lock, so it is held as briefly as possible: one statement
 * instead of one per counter, and a commit that does not wait for its WAL flush
 * ({@code synchronous_commit} off for this transaction only). That loses nothing: the message
 * itself commits synchronously afterwards, and PostgreSQL flushes WAL in order, so once the
 * message is durable its UID and modseq are too. A crash between the two can only give the UID of
 * a message that was never stored to a later message (a client that read UIDNEXT in between then
 * sees it go back by one); with the counters committed synchronously it would be a gap instead.
 */
public record NewMessagePosition(MessageUid uid, ModSeq modSeq) {
    static NewMessagePosition allocate(DataSource dataSource, MailboxId mailboxId) throws MailboxException {
        return Jdbc.call(() -> Jdbc.inTransaction(dataSource, connection -> {
            Jdbc.commitWithoutFlushWait(connection);
            try (PreparedStatement advance = connection.prepareStatement(
                "UPDATE mailbox SET last_uid = last_uid + 1, highest_modseq = highest_modseq + 1 WHERE mailbox_id = ?"
                    + " RETURNING last_uid, highest_modseq")) {
                advance.setObject(1, ((PostgresMailboxId) mailboxId).asUuid());
                try (ResultSet row = advance.executeQuery()) {
                    if (!row.next()) {
                        throw new MailboxNotFoundException(mailboxId);
                    }
                    return new NewMessagePosition(MessageUid.of(row.getLong(1)), ModSeq.of(row.getLong(2)));
                }
            }
        }));
    }
}
