package dev.jamespipeline.core.search;

import java.io.IOException;
import java.util.Collection;
import java.util.Set;

/**
 * The mailbox changes the search index may not show yet: what makes IMAP SEARCH exact while the
 * indexer lags, is stopped or rebuilds. A change is recorded before the command that made it
 * answers (and before its index event is published), and forgotten only once the index shows it to
 * searches. A search reads the backlog first, takes the index's answer for every other message, and
 * scans only the backlog's messages: its cost follows the lag, not the mailbox.
 */
public interface IndexBacklog {
    /**
     * The Guice name under which the pipeline's listeners get the backlog: the one James's injector
     * binds (the server main), else {@link #NONE}.
     */
    String PIPELINE_BINDING = "pipeline.search.index.backlog";
    /** The uid standing for every message of a mailbox, while it is re-indexed (IMAP uids start at 1). */
    long WHOLE_MAILBOX = 0;
    /** The mod-sequence of an expunge: only the index's delete, which outranks every write, applies it. */
    long EXPUNGED = Long.MAX_VALUE;

    /** For James without the pipeline's search (the stock-James drop-in): no index, nothing to track. */
    IndexBacklog NONE = new IndexBacklog() {
        @Override
        public void record(Collection<Change> changes) {
        }

        @Override
        public Set<Long> pendingUids(String mailboxId) {
            return Set.of();
        }

        @Override
        public void applied(Collection<Change> changes) {
        }

        @Override
        public void forgetMailbox(String mailboxId) {
        }
    };

    /** One message of one mailbox at one mod-sequence. */
    record Change(String mailboxId, long uid, long modSeq) {
        public static Change expunged(String mailboxId, long uid) {
            return new Change(mailboxId, uid, EXPUNGED);
        }

        public static Change wholeMailbox(String mailboxId) {
            return new Change(mailboxId, WHOLE_MAILBOX, EXPUNGED);
        }
    }

    /** These changes happened and the index does not show them yet. */
    void record(Collection<Change> changes) throws IOException;

    /**
     * The uids of the mailbox whose index documents may be behind the mailbox; {@link #WHOLE_MAILBOX}
     * among them means that none of the mailbox's documents can be trusted.
     */
    Set<Long> pendingUids(String mailboxId) throws IOException;

    /**
     * The index now shows these messages to searches at (at least) these mod-sequences: every
     * recorded change of the same message at or below it is forgotten.
     */
    void applied(Collection<Change> changes) throws IOException;

    /** The mailbox is gone, and with it any use of its backlog. */
    void forgetMailbox(String mailboxId) throws IOException;
}
