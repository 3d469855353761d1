package dev.jamespipeline.search.document;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the index holds for one message in one mailbox: the document written to OpenSearch
 * under the id {@code <mailboxId>:<uid>}. Built from the stored message by
 * {@link MessageDocumentBuilder}; the James-side fields (ids, flags, modSeq) come from the
 * mailbox, the rest from the MIME content.
 *
 * @param user          owner of the mailbox (James username); searches never cross it
 * @param mailboxId     James mailbox id (serialised)
 * @param uid           IMAP UID in that mailbox
 * @param messageId     James message id (serialised)
 * @param threadId      James thread id (serialised)
 * @param modSeq        the message's mod-sequence when read; the document's external version
 * @param flags         system flags as IMAP names ({@code \Seen}, ...) and user flags
 * @param internalDate  when James stored the message
 * @param sentDate      the Date header, if parseable
 * @param size          full message size in bytes
 * @param headers       every header field in order, names lower-cased, values decoded
 * @param from          From addresses
 * @param to            To addresses
 * @param cc            Cc addresses
 * @param bcc           Bcc addresses
 * @param subject       decoded Subject
 * @param mimeMessageId the Message-ID header value
 * @param bodyText      text of the text/plain and text/html (converted) parts that are not attachments
 * @param attachments   attachments, with their extracted text or why there is none
 * @param indexedAt     when this document was built
 */
public record MessageDocument(
    String user,
    String mailboxId,
    long uid,
    String messageId,
    String threadId,
    long modSeq,
    List<String> flags,
    Instant internalDate,
    Optional<Instant> sentDate,
    long size,
    List<Header> headers,
    List<Address> from,
    List<Address> to,
    List<Address> cc,
    List<Address> bcc,
    String subject,
    Optional<String> mimeMessageId,
    String bodyText,
    List<Attachment> attachments,
    Instant indexedAt) {

    public String documentId() {
        return documentId(mailboxId, uid);
    }

    public static String documentId(String mailboxId, long uid) {
        return mailboxId + ":" + uid;
    }

    public boolean hasAttachment() {
        return !attachments.isEmpty();
    }

    /** A copy with other flags and mod-sequence: what a flags change writes. */
    public MessageDocument withFlags(List<String> newFlags, long newModSeq, Instant now) {
        return new MessageDocument(user, mailboxId, uid, messageId, threadId, newModSeq, List.copyOf(newFlags),
            internalDate, sentDate, size, headers, from, to, cc, bcc, subject, mimeMessageId, bodyText, attachments, now);
    }

    /** @param name lower-cased field name; @param value decoded, unfolded value */
    public record Header(String name, String value) {
    }

    /** @param name display name, empty if none; @param address the addr-spec, lower-cased */
    public record Address(String name, String address) {
    }

    /**
     * @param fileName      the part's file name, empty if it has none
     * @param contentType   MIME type, lower-cased, without parameters
     * @param size          decoded size in bytes
     * @param text          extracted text, empty when extraction failed or was skipped
     * @param failureReason why there is no text (limit hit, encrypted, corrupt, timeout), if so
     */
    public record Attachment(String fileName, String contentType, long size, String text,
                             Optional<String> failureReason) {
    }
}
