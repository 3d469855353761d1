package dev.jamespipeline.mailbox.postgres.mail;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.mail.Flags;
import javax.sql.DataSource;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.Properties;

import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.mailbox.postgres.Jdbc.TransactionWork;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;
import dev.jamespipeline.mailbox.postgres.PostgresMessageId;

/**
 * The SQL of the message tables: content rows (with their body chunks) and memberships. Every
 * method works in the caller's transaction; the mappers decide where transactions begin and end.
 */
public final class MessageDao {
    public static final int NO_LIMIT = -1;

    private static final String MEMBERSHIP_COLUMNS = "mm.mailbox_id, mm.uid, mm.message_id, mm.modseq, "
        + prefixed("mm.", FlagColumns.COLUMNS) + ", mm.save_date";
    private static final String MESSAGE_COLUMNS = MEMBERSHIP_COLUMNS
        + ", m.thread_id, m.internal_date, m.size, m.body_start_octet, m.text_line_count, m.properties, m.attachments";

    private final DataSource dataSource;
    private final MessageBodyStore bodies;

    public MessageDao(DataSource dataSource, MessageBodyStore bodies) {
        this.dataSource = dataSource;
        this.bodies = bodies;
    }

    public <T> T inTransaction(TransactionWork<T> work) throws MailboxException {
        return Jdbc.call(() -> Jdbc.inTransaction(dataSource, work));
    }

    /** As {@link #inTransaction}, a membership written for a mailbox that does not exist (any more) failing as such. */
    public <T> T inTransactionOn(MailboxId mailboxId, TransactionWork<T> work) throws MailboxException {
        try {
            return Jdbc.inTransaction(dataSource, work);
        } catch (SQLException e) {
            if (isMissingMailbox(e)) {
                throw new MailboxNotFoundException(mailboxId);
            }
            throw new MailboxException("PostgreSQL: " + e.getMessage(), e);
        }
    }

    /**
     * Stores the content of {@code message} (row and body chunks) unless its message id already
     * has it: a copy into another mailbox reuses the stored content.
     */
    void insertContentIfAbsent(Connection transaction, MailboxMessage message) throws SQLException, MailboxException {
        try {
            insertContent(transaction, message);
        } catch (IOException e) {
            throw new MailboxException("Cannot store the content of message " + message.getMessageId().serialize() + ": " + e.getMessage(), e);
        }
    }

    private void insertContent(Connection transaction, MailboxMessage message) throws SQLException, IOException {
        UUID messageId = uuid(message);
        byte[] header;
        try (InputStream headerContent = message.getHeaderContent()) {
            header = headerContent.readAllBytes();
        }
        try (PreparedStatement insert = transaction.prepareStatement(
            "INSERT INTO message (message_id, thread_id, internal_date, size, body_start_octet, text_line_count,"
                + " mime_type, mime_subtype, properties, header_bytes, attachments)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?::jsonb) ON CONFLICT (message_id) DO NOTHING")) {
            insert.setObject(1, messageId);
            insert.setObject(2, ((PostgresMessageId) message.getThreadId().getBaseMessageId()).asUuid());
            insert.setObject(3, timestamp(message.getInternalDate()));
            insert.setLong(4, message.getFullContentOctets());
            insert.setLong(5, header.length);
            insert.setObject(6, message.getTextualLineCount());
            insert.setString(7, message.getMediaType());
            insert.setString(8, message.getSubType());
            insert.setString(9, PropertiesJson.write(message.getProperties().toProperties()));
            insert.setBytes(10, header);
            insert.setString(11, AttachmentsJson.write(message.getAttachments()));
            if (insert.executeUpdate() == 0) {
                return;
            }
        }
        long bodyLength;
        try (InputStream body = message.getBodyContent()) {
            bodyLength = bodies.write(transaction, messageId, body);
        }
        if (header.length + bodyLength != message.getFullContentOctets()) {
            throw new IOException("Message " + messageId + " declares " + message.getFullContentOctets()
                + " octets but its content has " + header.length + " + " + bodyLength);
        }
    }

    /** Adds {@code message} to mailbox {@code mailboxId} under its uid and modseq. */
    void insertMembership(Connection transaction, UUID mailboxId, MailboxMessage message, Flags flags, Date saveDate) throws SQLException {
        insertMembership(transaction, mailboxId, message, flags, saveDate, false);
    }

    /** As {@link #insertMembership}, unless the mailbox already holds the message; returns whether it added it. */
    boolean insertMembershipIfAbsent(Connection transaction, UUID mailboxId, MailboxMessage message, Flags flags, Date saveDate) throws SQLException {
        return insertMembership(transaction, mailboxId, message, flags, saveDate, true);
    }

    private boolean insertMembership(Connection transaction, UUID mailboxId, MailboxMessage message, Flags flags, Date saveDate,
                                     boolean onlyIfAbsent) throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement(
            "INSERT INTO message_mailbox (mailbox_id, uid, message_id, modseq, " + FlagColumns.COLUMNS + ", save_date)"
                + " SELECT ?, ?, ?, ?, " + FlagColumns.VALUES + ", ?"
                + (onlyIfAbsent ? " WHERE NOT EXISTS (SELECT 1 FROM message_mailbox WHERE mailbox_id = ? AND message_id = ?)" : ""))) {
            insert.setObject(1, mailboxId);
            insert.setLong(2, message.getUid().asLong());
            insert.setObject(3, uuid(message));
            insert.setLong(4, message.getModSeq().asLong());
            int next = FlagColumns.bind(insert, 5, flags);
            insert.setObject(next++, timestamp(saveDate));
            if (onlyIfAbsent) {
                insert.setObject(next++, mailboxId);
                insert.setObject(next, uuid(message));
            }
            return insert.executeUpdate() > 0;
        }
    }

    /** The selected memberships with their messages, by mailbox and uid; the body is fetched only when read. */
    List<MailboxMessage> find(Connection connection, Memberships memberships, FetchType fetchType, int limit) throws SQLException {
        boolean withHeader = fetchType != FetchType.METADATA;
        try (PreparedStatement select = connection.prepareStatement(
            "SELECT " + MESSAGE_COLUMNS + (withHeader ? ", m.header_bytes" : "")
                + " FROM message_mailbox mm JOIN message m ON m.message_id = mm.message_id"
                + " WHERE " + memberships.condition()
                + " ORDER BY mm.mailbox_id, mm.uid" + (limit > 0 ? " LIMIT " + limit : ""))) {
            memberships.bind(select, 1);
            try (ResultSet rows = select.executeQuery()) {
                List<MailboxMessage> messages = new ArrayList<>();
                while (rows.next()) {
                    messages.add(readMessage(rows, withHeader));
                }
                return messages;
            }
        }
    }

    /**
     * Applies {@code update} to the selected memberships of one mailbox, computing the new flags in
     * SQL under row locks. Rows whose flags change take {@code modSeq}; the others keep theirs.
     */
    List<UpdatedFlags> updateFlags(Connection transaction, UUID mailboxId, Memberships selected, FlagsUpdate update, ModSeq modSeq) throws SQLException {
        Memberships inMailbox = selected.inMailbox(mailboxId);
        Map<MessageUid, Flags> oldFlags = lockFlags(transaction, inMailbox);
        if (oldFlags.isEmpty()) {
            return List.of();
        }
        String changed = "(" + prefixed("mm.", FlagColumns.COLUMNS) + ") IS DISTINCT FROM (" + prefixed("n.", FlagColumns.COLUMNS) + ")";
        try (PreparedStatement statement = transaction.prepareStatement(
            "UPDATE message_mailbox mm SET " + assignments(FlagColumns.COLUMNS, "n.")
                + ", modseq = CASE WHEN " + changed + " THEN ? ELSE mm.modseq END"
                + " FROM (SELECT mm.mailbox_id, mm.uid, " + FlagsUpdate.NEW_VALUES
                + " FROM message_mailbox mm WHERE " + inMailbox.condition() + ") n"
                + " WHERE mm.mailbox_id = n.mailbox_id AND mm.uid = n.uid"
                + " RETURNING mm.uid, mm.message_id, mm.modseq, " + prefixed("mm.", FlagColumns.COLUMNS))) {
            statement.setLong(1, modSeq.asLong());
            inMailbox.bind(statement, update.bind(statement, 2));
            try (ResultSet rows = statement.executeQuery()) {
                List<UpdatedFlags> updates = new ArrayList<>();
                while (rows.next()) {
                    MessageUid uid = MessageUid.of(rows.getLong("uid"));
                    updates.add(UpdatedFlags.builder()
                        .uid(uid)
                        .messageId(PostgresMessageId.of(rows.getObject("message_id", UUID.class)))
                        .modSeq(ModSeq.of(rows.getLong("modseq")))
                        .oldFlags(oldFlags.get(uid))
                        .newFlags(FlagColumns.read(rows, ""))
                        .build());
                }
                updates.sort((a, b) -> a.getUid().compareTo(b.getUid()));
                return updates;
            }
        }
    }

    /** Deletes the selected memberships; returns what they were. */
    List<MessageMetaData> delete(Connection transaction, Memberships memberships) throws SQLException {
        try (PreparedStatement delete = transaction.prepareStatement(
            "DELETE FROM message_mailbox mm USING message m WHERE m.message_id = mm.message_id AND " + memberships.condition()
                + " RETURNING " + MESSAGE_COLUMNS)) {
            memberships.bind(delete, 1);
            try (ResultSet rows = delete.executeQuery()) {
                List<MessageMetaData> deleted = new ArrayList<>();
                while (rows.next()) {
                    deleted.add(readMessage(rows, false).metaData());
                }
                return deleted;
            }
        }
    }

    /** Allocates the next modseq of a mailbox in the caller's transaction, which holds the mailbox row until it ends. */
    Optional<ModSeq> nextModSeq(Connection transaction, UUID mailboxId) throws SQLException {
        return MailboxCounter.HIGHEST_MODSEQ.advanceInTransaction(transaction, mailboxId).map(ModSeq::of);
    }

    private Map<MessageUid, Flags> lockFlags(Connection transaction, Memberships memberships) throws SQLException {
        try (PreparedStatement select = transaction.prepareStatement(
            "SELECT mm.uid, " + prefixed("mm.", FlagColumns.COLUMNS) + " FROM message_mailbox mm WHERE " + memberships.condition()
                + " ORDER BY mm.mailbox_id, mm.uid FOR UPDATE")) {
            memberships.bind(select, 1);
            try (ResultSet rows = select.executeQuery()) {
                Map<MessageUid, Flags> flags = new LinkedHashMap<>();
                while (rows.next()) {
                    flags.put(MessageUid.of(rows.getLong("uid")), FlagColumns.read(rows, ""));
                }
                return flags;
            }
        }
    }

    private MailboxMessage readMessage(ResultSet row, boolean withHeader) throws SQLException {
        UUID messageId = row.getObject("message_id", UUID.class);
        long size = row.getLong("size");
        long bodyStart = row.getLong("body_start_octet");
        long textLineCount = row.getLong("text_line_count");
        Long textualLineCount = row.wasNull() ? null : textLineCount;
        StoredMailboxMessage message = new StoredMailboxMessage(
            PostgresMessageId.of(messageId),
            ThreadId.fromBaseMessageId(PostgresMessageId.of(row.getObject("thread_id", UUID.class))),
            date(row, "internal_date"),
            size,
            Math.toIntExact(bodyStart),
            new StoredMessageContent(messageId, size, bodyStart, withHeader ? row.getBytes("header_bytes") : null, bodies, this::loadHeader),
            FlagColumns.read(row, ""),
            new Properties(PropertiesJson.read(row.getString("properties")), textualLineCount),
            PostgresMailboxId.of(row.getObject("mailbox_id", UUID.class)),
            AttachmentsJson.read(row.getString("attachments")),
            Optional.of(date(row, "save_date")));
        message.setUid(MessageUid.of(row.getLong("uid")));
        message.setModSeq(ModSeq.of(row.getLong("modseq")));
        return message;
    }

    private byte[] loadHeader(UUID messageId) throws IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT header_bytes FROM message WHERE message_id = ?")) {
            select.setObject(1, messageId);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IOException("Message " + messageId + " was deleted");
                }
                return row.getBytes(1);
            }
        } catch (SQLException e) {
            throw new IOException("Cannot read the header of message " + messageId + ": " + e.getMessage(), e);
        }
    }

    private static boolean isMissingMailbox(SQLException failure) {
        return failure instanceof PSQLException psql
            && PSQLState.FOREIGN_KEY_VIOLATION.getState().equals(psql.getSQLState())
            && psql.getServerErrorMessage() != null
            && "message_mailbox_mailbox_id_fkey".equals(psql.getServerErrorMessage().getConstraint());
    }

    static UUID uuid(MailboxMessage message) {
        return ((PostgresMessageId) message.getMessageId()).asUuid();
    }

    static OffsetDateTime timestamp(Date date) {
        return OffsetDateTime.ofInstant(date.toInstant(), ZoneOffset.UTC);
    }

    private static Date date(ResultSet row, String column) throws SQLException {
        return Date.from(row.getObject(column, OffsetDateTime.class).toInstant());
    }

    private static String prefixed(String prefix, String columns) {
        return prefix + columns.replace(", ", ", " + prefix);
    }

    private static String assignments(String columns, String sourcePrefix) {
        StringBuilder sql = new StringBuilder();
        for (String column : columns.split(", ")) {
            sql.append(sql.length() == 0 ? "" : ", ").append(column).append(" = ").append(sourcePrefix).append(column);
        }
        return sql.toString();
    }
}
