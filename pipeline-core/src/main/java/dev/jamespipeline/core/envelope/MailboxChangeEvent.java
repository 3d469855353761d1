package dev.jamespipeline.core.envelope;

import java.time.Instant;
import java.util.List;

/**
 * A {@code mailbox.*} event, schema version 1: something changed in a mailbox that a follower of
 * its messages (the search indexer) must apply. It names what changed, never the new state: the
 * follower reads the state from the mailbox, so events applied late or twice do no harm.
 *
 * @param kind      what happened
 * @param user      owner of the mailbox
 * @param mailboxId James mailbox id (serialised)
 * @param uids      the messages concerned; empty for {@link Kind#MAILBOX_DELETED}
 */
public record MailboxChangeEvent(
        int version,
        Kind kind,
        String user,
        String mailboxId,
        List<Long> uids,
        Instant changedAt) implements Versioned {

    public static final int VERSION = 1;

    /** What changed, each kind with its routing key on the mail events exchange. */
    public enum Kind {
        FLAGS_CHANGED("mailbox.flags"), EXPUNGED("mailbox.expunged"), MAILBOX_DELETED("mailbox.deleted");

        private final String routingKey;

        Kind(String routingKey) {
            this.routingKey = routingKey;
        }

        public String routingKey() {
            return routingKey;
        }
    }

    public MailboxChangeEvent {
        uids = uids == null ? List.of() : List.copyOf(uids);
    }
}
