package dev.jamespipeline.mailbox.postgres.mail;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.model.MessageRange;

import com.google.common.collect.ImmutableList;

/**
 * Which rows of {@code message_mailbox} (alias {@code mm}) an operation is about: a SQL condition
 * and the values of its parameters.
 */
record Memberships(String condition, List<Object> parameters) {
    static Memberships inRange(UUID mailboxId, MessageRange range) {
        return new Memberships("mm.mailbox_id = ? AND mm.uid BETWEEN ? AND ?",
            List.of(mailboxId, range.getUidFrom().asLong(), range.getUidTo().asLong()));
    }

    static Memberships withUids(UUID mailboxId, Collection<MessageUid> uids) {
        return new Memberships("mm.mailbox_id = ? AND mm.uid = ANY (?)",
            List.of(mailboxId, uids.stream().map(MessageUid::asLong).toArray(Long[]::new)));
    }

    static Memberships ofMessages(Collection<UUID> messageIds) {
        Object ids = messageIds.toArray(UUID[]::new);
        return new Memberships("mm.message_id = ANY (?)", List.of(ids));
    }

    static Memberships ofMessageIn(UUID messageId, Collection<UUID> mailboxIds) {
        return new Memberships("mm.message_id = ? AND mm.mailbox_id = ANY (?)",
            List.of(messageId, mailboxIds.toArray(UUID[]::new)));
    }

    Memberships inMailbox(UUID mailboxId) {
        return new Memberships("(" + condition + ") AND mm.mailbox_id = ?",
            ImmutableList.builder().addAll(parameters).add(mailboxId).build());
    }

    /** Binds the parameters from {@code index}; returns the next index. */
    int bind(PreparedStatement statement, int index) throws SQLException {
        for (Object parameter : parameters) {
            if (parameter instanceof UUID[] uuids) {
                statement.setArray(index++, statement.getConnection().createArrayOf("uuid", uuids));
            } else if (parameter instanceof Long[] longs) {
                statement.setArray(index++, statement.getConnection().createArrayOf("bigint", longs));
            } else {
                statement.setObject(index++, parameter);
            }
        }
        return index;
    }
}
