package dev.jamespipeline.search.document;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the mailbox knows about a stored message and its bytes do not say: the James-side
 * fields of a {@link MessageDocument}, with the same meaning.
 */
public record MailboxFacts(
    String user,
    String mailboxId,
    long uid,
    String messageId,
    String threadId,
    long modSeq,
    List<String> flags,
    Instant internalDate,
    long size) {

    public MailboxFacts {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(mailboxId, "mailboxId");
        Objects.requireNonNull(messageId, "messageId");
        Objects.requireNonNull(threadId, "threadId");
        Objects.requireNonNull(flags, "flags");
        Objects.requireNonNull(internalDate, "internalDate");
        if (uid <= 0) {
            throw new IllegalArgumentException("uid must be positive (IMAP UIDs start at 1), was " + uid);
        }
        if (modSeq < 0) {
            throw new IllegalArgumentException("modSeq must be 0 or more, was " + modSeq);
        }
        if (size < 0) {
            throw new IllegalArgumentException("size must be 0 or more, was " + size);
        }
        flags = List.copyOf(flags);
    }

    public String documentId() {
        return MessageDocument.documentId(mailboxId, uid);
    }
}
