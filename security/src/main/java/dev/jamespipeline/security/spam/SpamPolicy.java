package dev.jamespipeline.security.spam;

/** What happens to a recipient's copy of a message the spam scanner calls spam. */
public enum SpamPolicy {
    /** Delivered where it would have gone, with the X-Spam header fields only. */
    TAG,
    /** Delivered, with the header fields, into the recipient's junk folder. */
    JUNK,
    /** Kept in the quarantine for that recipient, not delivered. */
    QUARANTINE
}
