package dev.jamespipeline.search.document;

import java.time.Duration;
import java.util.Objects;

/**
 * How much work indexing one message may cost. Mail is written by strangers: every attachment
 * can be hostile (zip bombs, endless parses, documents nested in documents), so each limit
 * turns an attack into a recorded reason instead of a stuck or crashed indexer.
 *
 * @param maxInputBytes        decoded bytes of one attachment Tika may read; beyond that the
 *                             attachment gets the reason "larger than N bytes"
 * @param maxOutputChars       characters of text kept per attachment, for the body, and of each
 *                             text searches read (TEXT, BODY); more is cut off (truncation is
 *                             noted, not a failure; a search of a message cut so is decided by
 *                             James's scan of it)
 * @param timeout              how long one attachment's parse may run
 * @param maxNestingDepth      how deep containers may nest: a message attached to the stored one,
 *                             or a file inside an attachment (archive entry), is at depth 1, one
 *                             inside that at depth 2; deeper content gets "nesting deeper than N"
 * @param maxAttachments       attachments extracted per message, counting those inside attached
 *                             messages
 * @param maxEmbeddedDocuments documents parsed inside one attachment (archive entries, images in
 *                             office files); the rest are skipped and the text is marked truncated
 */
public record ExtractionLimits(
    long maxInputBytes,
    int maxOutputChars,
    Duration timeout,
    int maxNestingDepth,
    int maxAttachments,
    int maxEmbeddedDocuments) {

    public static final ExtractionLimits DEFAULT = new ExtractionLimits(
        20L * 1024 * 1024, 1_000_000, Duration.ofSeconds(10), 3, 50, 1_000);

    public ExtractionLimits {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (maxInputBytes <= 0) {
            throw new IllegalArgumentException("maxInputBytes must be positive, was " + maxInputBytes);
        }
        if (maxOutputChars <= 0) {
            throw new IllegalArgumentException("maxOutputChars must be positive, was " + maxOutputChars);
        }
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("timeout must be positive, was " + timeout);
        }
        if (maxNestingDepth < 0) {
            throw new IllegalArgumentException("maxNestingDepth must be 0 or more, was " + maxNestingDepth);
        }
        if (maxAttachments < 0) {
            throw new IllegalArgumentException("maxAttachments must be 0 or more, was " + maxAttachments);
        }
        if (maxEmbeddedDocuments < 0) {
            throw new IllegalArgumentException("maxEmbeddedDocuments must be 0 or more, was " + maxEmbeddedDocuments);
        }
    }

    public ExtractionLimits withMaxInputBytes(long bytes) {
        return new ExtractionLimits(bytes, maxOutputChars, timeout, maxNestingDepth, maxAttachments, maxEmbeddedDocuments);
    }

    public ExtractionLimits withTimeout(Duration newTimeout) {
        return new ExtractionLimits(maxInputBytes, maxOutputChars, newTimeout, maxNestingDepth, maxAttachments, maxEmbeddedDocuments);
    }
}
