package dev.jamespipeline.state;

import java.nio.charset.StandardCharsets;
import java.util.Date;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;

import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;
import dev.jamespipeline.mailbox.postgres.PostgresMessageId;

/** Mailboxes and messages as the PostgreSQL mailbox hands them to its append hook. */
final class Mailboxes {
    private Mailboxes() {
    }

    static Mailbox mailbox(String user, String name) {
        return new Mailbox(MailboxPath.forUser(Username.of(user), name), UidValidity.of(1), PostgresMailboxId.generate());
    }

    /** A message with a fresh message id, as an append makes. */
    static MailboxMessage message(Mailbox mailbox, long uid, String raw) {
        return message(mailbox, uid, raw, new PostgresMessageId.Factory().generate());
    }

    /** A message with the given id, as a COPY or MOVE of an existing message makes. */
    static MailboxMessage message(Mailbox mailbox, long uid, String raw, PostgresMessageId messageId) {
        byte[] bytes = raw.getBytes(StandardCharsets.UTF_8);
        int bodyStart = raw.indexOf("\r\n\r\n") + 4;
        return SimpleMailboxMessage.builder()
            .messageId(messageId)
            .threadId(ThreadId.fromBaseMessageId(messageId))
            .mailboxId(mailbox.getMailboxId())
            .uid(MessageUid.of(uid))
            .modseq(ModSeq.of(uid))
            .internalDate(new Date())
            .size(bytes.length)
            .bodyStartOctet(bodyStart)
            .content(new ByteContent(bytes))
            .flags(new Flags())
            .properties(new PropertyBuilder())
            .build();
    }

    static String delivery(String pipelineId) {
        return "X-James-Pipeline-Id: " + pipelineId + "\r\nReturn-Path: <alice@example.com>\r\nSubject: hello\r\n\r\nbody\r\n";
    }
}
