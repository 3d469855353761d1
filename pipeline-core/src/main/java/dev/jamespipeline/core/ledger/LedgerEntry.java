package dev.jamespipeline.core.ledger;

import java.util.Locale;

/**
 * One effect the pipeline has had for one pipeline message: delivered into a user's mailbox,
 * handed to outbound delivery, bounced, or a stage finished. Subjects are lower-cased addresses
 * or user names, so "Bob@Example.com" and "bob@example.com" are the same effect.
 */
public record LedgerEntry(Effect effect, String subject) {

    public enum Effect {
        DELIVERED(true),
        OUTBOUND_QUEUED(true),
        BOUNCED(true),
        /** Outbound delivery (keyed by job id): the recipient's server accepted it. */
        REMOTE_DELIVERED(true),
        /** Outbound delivery (keyed by job id): given up on (5xx, no such domain, expired: after its DSN) or deleted by an operator. */
        REMOTE_FAILED(true),
        /** Outbound delivery (keyed by job id): the one delayed-delivery warning was sent (subject: the sender). */
        DELAY_WARNED(true),
        /**
         * Only lets a repeated stage skip loading the message: if a crash loses it, the per-recipient
         * entries still make the repeat harmless, so it is not worth an fsync.
         */
        STAGE_DONE(false);

        private final boolean mustSurviveACrash;

        Effect(boolean mustSurviveACrash) {
            this.mustSurviveACrash = mustSurviveACrash;
        }

        public boolean mustSurviveACrash() {
            return mustSurviveACrash;
        }
    }

    public LedgerEntry {
        if (subject == null || subject.isBlank()) {
            throw new IllegalArgumentException("ledger entry needs a subject");
        }
        subject = subject.toLowerCase(Locale.ROOT);
    }

    public static LedgerEntry delivered(String username) {
        return new LedgerEntry(Effect.DELIVERED, username);
    }

    public static LedgerEntry outboundQueued(String recipient) {
        return new LedgerEntry(Effect.OUTBOUND_QUEUED, recipient);
    }

    public static LedgerEntry bounced(String recipient) {
        return new LedgerEntry(Effect.BOUNCED, recipient);
    }

    public static LedgerEntry remoteDelivered(String recipient) {
        return new LedgerEntry(Effect.REMOTE_DELIVERED, recipient);
    }

    public static LedgerEntry remoteFailed(String recipient) {
        return new LedgerEntry(Effect.REMOTE_FAILED, recipient);
    }

    public static LedgerEntry delayWarned(String sender) {
        return new LedgerEntry(Effect.DELAY_WARNED, sender);
    }

    public static LedgerEntry stageDone(String stage) {
        return new LedgerEntry(Effect.STAGE_DONE, stage);
    }
}
