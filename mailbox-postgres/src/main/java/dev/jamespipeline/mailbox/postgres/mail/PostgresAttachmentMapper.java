package dev.jamespipeline.mailbox.postgres.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import javax.sql.DataSource;

import org.apache.james.mailbox.exception.AttachmentNotFoundException;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.AttachmentId;
import org.apache.james.mailbox.model.AttachmentMetadata;
import org.apache.james.mailbox.model.MessageAttachmentMetadata;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ParsedAttachment;
import org.apache.james.mailbox.store.mail.AttachmentMapper;
import org.apache.james.mailbox.store.transaction.NonTransactionalMapper;

import com.google.common.base.Preconditions;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.mailbox.postgres.PostgresMessageId;

/**
 * Attachments that James parses out of a message at append, in table {@code attachment}, content
 * included, so that {@code AttachmentContentLoader} (James's StoreAttachmentManager over this
 * mapper) serves them. They are deleted with their message (the trigger of {@code message_mailbox}).
 * <p>
 * Unlike message bodies, an attachment's content is held whole in the heap when it is stored and
 * when it is loaded: James's parser hands it over in memory (a {@code ByteSource}) and reads it
 * back whole for JMAP and search, so streaming it here would not bound James's heap.
 */
public class PostgresAttachmentMapper extends NonTransactionalMapper implements AttachmentMapper {
    private static final String METADATA = "SELECT attachment_id, message_id, content_type, size FROM attachment ";

    private final DataSource dataSource;

    public PostgresAttachmentMapper(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public InputStream loadAttachmentContent(AttachmentId attachmentId) throws AttachmentNotFoundException, IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT content FROM attachment WHERE attachment_id = ?")) {
            select.setString(1, attachmentId.getId());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new AttachmentNotFoundException(attachmentId.getId());
                }
                return new ByteArrayInputStream(row.getBytes(1));
            }
        } catch (SQLException e) {
            throw new IOException("Cannot read attachment " + attachmentId.getId() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public AttachmentMetadata getAttachment(AttachmentId attachmentId) throws AttachmentNotFoundException {
        Preconditions.checkArgument(attachmentId != null, "attachmentId is required");
        return getAttachments(List.of(attachmentId)).stream()
            .findFirst()
            .orElseThrow(() -> new AttachmentNotFoundException(attachmentId.getId()));
    }

    @Override
    public List<AttachmentMetadata> getAttachments(Collection<AttachmentId> attachmentIds) {
        Preconditions.checkArgument(attachmentIds != null, "attachmentIds is required");
        if (attachmentIds.isEmpty()) {
            return List.of();
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(METADATA + "WHERE attachment_id = ANY (?)")) {
            select.setArray(1, connection.createArrayOf("text", attachmentIds.stream().map(AttachmentId::getId).toArray()));
            try (ResultSet rows = select.executeQuery()) {
                List<AttachmentMetadata> attachments = new ArrayList<>();
                while (rows.next()) {
                    attachments.add(AttachmentMetadata.builder()
                        .attachmentId(AttachmentId.from(rows.getString("attachment_id")))
                        .messageId(PostgresMessageId.of(rows.getObject("message_id", UUID.class)))
                        .type(rows.getString("content_type"))
                        .size(rows.getLong("size"))
                        .build());
                }
                return attachments;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL: " + e.getMessage(), e);
        }
    }

    @Override
    public List<MessageAttachmentMetadata> storeAttachments(Collection<ParsedAttachment> attachments, MessageId ownerMessageId) throws MailboxException {
        return Jdbc.call(() -> Jdbc.inTransaction(dataSource, connection -> {
            List<MessageAttachmentMetadata> stored = new ArrayList<>();
            try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO attachment (attachment_id, message_id, content_type, size, content) VALUES (?, ?, ?, ?, ?)")) {
                for (ParsedAttachment attachment : attachments) {
                    AttachmentId attachmentId = AttachmentId.random();
                    byte[] content = read(attachment);
                    insert.setString(1, attachmentId.getId());
                    insert.setObject(2, ((PostgresMessageId) ownerMessageId).asUuid());
                    insert.setString(3, attachment.getContentType().asString());
                    insert.setLong(4, content.length);
                    insert.setBytes(5, content);
                    insert.executeUpdate();
                    stored.add(attachment.asMessageAttachment(attachmentId, content.length, ownerMessageId));
                }
            }
            return stored;
        }));
    }

    @Override
    public Collection<MessageId> getRelatedMessageIds(AttachmentId attachmentId) throws MailboxException {
        return Jdbc.call(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement("SELECT message_id FROM attachment WHERE attachment_id = ?")) {
                select.setString(1, attachmentId.getId());
                try (ResultSet rows = select.executeQuery()) {
                    List<MessageId> messageIds = new ArrayList<>();
                    while (rows.next()) {
                        messageIds.add(PostgresMessageId.of(rows.getObject(1, UUID.class)));
                    }
                    return messageIds;
                }
            }
        });
    }

    private static byte[] read(ParsedAttachment attachment) throws MailboxException {
        try {
            return attachment.getContent().read();
        } catch (IOException e) {
            throw new MailboxException("Cannot read a parsed attachment: " + e.getMessage(), e);
        }
    }
}
