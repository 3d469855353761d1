package dev.jamespipeline.mailbox.postgres.mail;

import java.io.IOException;
import java.io.InputStream;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageAttachmentMetadata;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.Properties;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;

/**
 * A message read from PostgreSQL. Its {@link #copy(Mailbox)} shares the lazily fetched content:
 * James's own copy reads the whole message into a byte array, and James copies a message this way
 * when it adds it to other mailboxes by message id.
 */
final class StoredMailboxMessage extends SimpleMailboxMessage {
    private final Content content;

    StoredMailboxMessage(MessageId messageId, ThreadId threadId, Date internalDate, long size, int bodyStartOctet,
                         Content content, Flags flags, Properties properties, MailboxId mailboxId,
                         List<MessageAttachmentMetadata> attachments, Optional<Date> saveDate) {
        super(messageId, threadId, internalDate, size, bodyStartOctet, content, flags, properties, mailboxId, attachments, saveDate);
        this.content = content;
    }

    /** {@code original} as a message of {@code mailboxId}, its content read from {@code original} when needed. */
    static StoredMailboxMessage copyOf(MailboxMessage original, MailboxId mailboxId, Flags flags, Optional<Date> saveDate) {
        Content content = original instanceof StoredMailboxMessage stored ? stored.content : new Content() {
            @Override
            public InputStream getInputStream() throws IOException {
                return original.getFullContent();
            }

            @Override
            public long size() {
                return original.getFullContentOctets();
            }
        };
        StoredMailboxMessage copy = new StoredMailboxMessage(original.getMessageId(), original.getThreadId(), original.getInternalDate(),
            original.getFullContentOctets(), Math.toIntExact(original.getFullContentOctets() - original.getBodyOctets()),
            content, flags, original.getProperties(), mailboxId, original.getAttachments(), saveDate);
        copy.setUid(original.getUid());
        copy.setModSeq(original.getModSeq());
        return copy;
    }

    @Override
    public MailboxMessage copy(Mailbox mailbox) {
        return copyOf(this, mailbox.getMailboxId(), createFlags(), getSaveDate());
    }
}
