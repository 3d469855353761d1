package dev.jamespipeline.mailbox.postgres;

import java.sql.Connection;
import java.sql.SQLException;

import org.apache.james.mailbox.store.mail.model.MailboxMessage;

/**
 * Runs inside the transaction that adds a message to a mailbox (append, copy, move), after the
 * message rows are written and before the commit: whatever it writes commits or rolls back with
 * the message. The pipeline uses it to write its ledger entry and its {@code mail.delivered} outbox
 * row atomically with the delivery; throwing rolls the addition back.
 */
@FunctionalInterface
public interface MessageAppendHook {
    MessageAppendHook NONE = (transaction, mailbox, message) -> { };

    void added(Connection transaction, org.apache.james.mailbox.model.Mailbox mailbox, MailboxMessage message) throws SQLException;
}
