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
 * @param scan          what James's scanning search compares the criteria against
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
    ScanFields scan,
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
            internalDate, sentDate, size, headers, from, to, cc, bcc, subject, mimeMessageId, bodyText, attachments, scan, now);
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

    /**
     * The message as James 3.8.1's scanning search ({@code MessageSearches}) sees it, so that the
     * index answers exactly as it does. Text is kept in the case James compares it in.
     *
     * @param text           what TEXT searches: every header field value (of every part) and every
     *                       decoded body, in message order, each character upper-cased (all texts
     *                       here with the backslash swapped, see {@link #BACKSLASH_STAND_IN})
     * @param body           what BODY searches: the bodies only, likewise
     * @param textComplete   both texts are whole: not cut at the extraction limit, and read without
     *                       the charset or parse error that stops James's matcher part-way
     * @param textFails      James's matcher throws where the texts stop (an unknown charset, a
     *                       broken encoding): its scan leaves the message out of any search with a
     *                       text criterion it reaches, unless the text was found before
     * @param headers        the top-level fields, each as {@code name:value}: the name folded
     *                       ({@link #foldName}; a field name never holds a colon), the value as
     *                       James compares it (unfolded, encoded words decoded, upper-cased in
     *                       {@code Locale.US})
     * @param from           for the From criterion: the addresses of the first From field as mime4j
     *                       formats them, then that field's raw value; upper-cased likewise
     * @param to             likewise for To
     * @param cc             likewise for Cc
     * @param bcc            likewise for Bcc
     * @param date           the first Date field as James parses it, if it does
     * @param dateUncertain  James would compare that date wrongly (five-digit year) or fail on it
     * @param dateFails      James's date parser fails on it with an error, which ends the whole search
     */
    public record ScanFields(String text, String body, boolean textComplete, boolean textFails, List<String> headers,
                             List<String> from, List<String> to, List<String> cc, List<String> bcc,
                             Optional<Instant> date, boolean dateUncertain, boolean dateFails) {

        /**
         * Stands in for the backslash in every text the index holds and searches, and the other way
         * round: OpenSearch 2.19's wildcard field finds nothing for a literal that ends with a
         * backslash. Swapping two characters keeps every substring test's answer; a search text
         * holding this private-use character is left to James's scan ({@link #searchable}).
         */
        public static final char BACKSLASH_STAND_IN = '\uE05C';

        /** How {@link #headers()} holds a field (the name as {@link #foldName} gives it). */
        public static String headerLine(String foldedName, String value) {
            return swapBackslash(foldedName) + ":" + value;
        }

        /** Two names are equal ignoring case ({@code String.equalsIgnoreCase}) exactly when their folds are equal. */
        public static String foldName(String name) {
            StringBuilder folded = new StringBuilder(name.length());
            for (int i = 0; i < name.length(); i++) {
                folded.append(Character.toLowerCase(Character.toUpperCase(name.charAt(i))));
            }
            return folded.toString();
        }

        /** A character as TEXT and BODY compare it: upper-cased on its own, as mime4j's MessageMatcher does. */
        public static char textCase(char c) {
            return swapBackslash(Character.toUpperCase(c));
        }

        public static String textCase(String text) {
            StringBuilder upper = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                upper.append(textCase(text.charAt(i)));
            }
            return upper.toString();
        }

        /** Text as header and address criteria compare it: upper-cased in {@code Locale.US}. */
        public static String headerCase(String text) {
            return swapBackslash(text.toUpperCase(java.util.Locale.US));
        }

        /** Whether the index can search for this text (or header name); see {@link #BACKSLASH_STAND_IN}. */
        public static boolean searchable(String text) {
            return text.indexOf(BACKSLASH_STAND_IN) < 0;
        }

        private static String swapBackslash(String text) {
            StringBuilder swapped = new StringBuilder(text.length());
            for (int i = 0; i < text.length(); i++) {
                swapped.append(swapBackslash(text.charAt(i)));
            }
            return swapped.toString();
        }

        private static char swapBackslash(char c) {
            return c == '\\' ? BACKSLASH_STAND_IN : c == BACKSLASH_STAND_IN ? '\\' : c;
        }
    }
}
