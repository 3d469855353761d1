package dev.jamespipeline.search.indexer;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.runtime.FailureRouter;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.envelope.MailboxChangeEvent;
import dev.jamespipeline.core.search.IndexBacklog;
import dev.jamespipeline.search.document.MessageDocument;
import dev.jamespipeline.search.index.IndexOperation;
import dev.jamespipeline.search.index.IndexUnavailableException;
import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.index.WriteOutcome;
import dev.jamespipeline.search.indexer.MailboxReader.FlagsState;

/**
 * Applies a batch of index-queue events in one bulk write. Each event is turned into the writes
 * that make the index match the mailbox as it is now (read through {@link MailboxReader}), so
 * applying an event twice, or after a newer one, leaves the same documents. Once the writes are
 * searchable, the {@link IndexBacklog} forgets the changes they apply. One per injector: it remembers that
 * the index exists, so a search that indexes its backlog does not ask OpenSearch again each time.
 */
@Singleton
public class IndexUpdater {
    private static final Logger LOGGER = LoggerFactory.getLogger(IndexUpdater.class);

    private final MailIndex index;
    private final MailboxReader reader;
    private final IndexBacklog backlog;
    private final NewIndexListener newIndex;
    private final Clock clock;
    private volatile boolean indexCreated;

    @Inject
    public IndexUpdater(MailIndex index, MailboxReader reader, IndexBacklog backlog, NewIndexListener newIndex, Clock clock) {
        this.index = index;
        this.reader = reader;
        this.backlog = backlog;
        this.newIndex = newIndex;
        this.clock = clock;
    }

    /**
     * @param events {@link DeliveredEvent}s and {@link MailboxChangeEvent}s
     * @return for each event, in order: empty once applied, otherwise why it failed (worth a retry)
     * @throws IndexUnavailableException when OpenSearch cannot be reached: nothing was applied
     */
    public List<Optional<String>> apply(List<Object> events) throws IndexUnavailableException {
        ensureIndex();
        List<Optional<String>> results = new ArrayList<>();
        List<IndexOperation> operations = new ArrayList<>();
        List<Integer> eventOfOperation = new ArrayList<>();
        for (Object event : events) {
            int eventIndex = results.size();
            try {
                List<IndexOperation> writes = writesFor(event);
                operations.addAll(writes);
                writes.forEach(write -> eventOfOperation.add(eventIndex));
                results.add(Optional.empty());
            } catch (IndexUnavailableException e) {
                throw e;
            } catch (Exception e) {
                results.add(Optional.of("cannot read the mailbox: " + FailureRouter.describe(e)));
            }
        }
        if (!operations.isEmpty()) {
            // Searchable before the backlog forgets the changes: a search in between must find them one way or the other.
            WriteOutcome outcome = index.write(operations, MailIndex.Visibility.BEFORE_RETURN);
            outcome.failures().forEach((operationIndex, reason) ->
                results.set(eventOfOperation.get(operationIndex), Optional.of("index write failed: " + reason)));
            forgetApplied(operations, outcome);
        }
        return results;
    }

    /**
     * Writes these messages of the mailbox as they are now, searchable at once, for a search that
     * found them in the backlog: the search then trusts the index for them too.
     *
     * @return whether every write succeeded (otherwise the index may still not show some)
     */
    public boolean indexNow(String user, String mailboxId, Collection<Long> uids) throws Exception {
        ensureIndex();
        List<IndexOperation> operations = new ArrayList<>();
        for (long uid : uids) {
            operations.add(reader.indexWrite(user, mailboxId, uid));
        }
        WriteOutcome outcome = index.write(operations, MailIndex.Visibility.IMMEDIATELY);
        forgetApplied(operations, outcome);
        return outcome.isComplete();
    }

    /**
     * Clears the backlog of what the index now shows. A failure here leaves rows that only make searches
     * scan a few messages more; the next change of those messages clears them.
     */
    private void forgetApplied(List<IndexOperation> operations, WriteOutcome outcome) {
        List<IndexBacklog.Change> applied = new ArrayList<>();
        for (int i = 0; i < operations.size(); i++) {
            if (!outcome.failures().containsKey(i)) {
                applied.add(appliedChange(operations.get(i)));
            }
        }
        try {
            backlog.applied(applied);
        } catch (IOException e) {
            LOGGER.warn("Could not clear {} applied changes from the search index backlog: {}", applied.size(), e.getMessage());
        }
    }

    private static IndexBacklog.Change appliedChange(IndexOperation operation) {
        if (operation instanceof IndexOperation.Upsert upsert) {
            MessageDocument document = upsert.document();
            return new IndexBacklog.Change(document.mailboxId(), document.uid(), document.modSeq());
        }
        IndexOperation.Delete delete = (IndexOperation.Delete) operation;
        return IndexBacklog.Change.expunged(delete.mailboxId(), delete.uid());
    }

    /**
     * Creates the index with its mapping (and the template that recreates it so) once per process,
     * before the first write; the indexer also calls it at start-up so searches find an index. An
     * index this node is about to create is empty while the mailboxes may hold messages: every
     * mailbox goes into the backlog first, and {@link NewIndexListener} fills the index.
     */
    void ensureIndex() throws IndexUnavailableException {
        if (!indexCreated) {
            if (!index.exists()) {
                try {
                    backlog.record(List.of(IndexBacklog.Change.everyMailbox()));
                } catch (IOException e) {
                    throw new IndexUnavailableException("cannot mark every mailbox unindexed before creating the index: "
                        + e.getMessage(), e);
                }
            }
            if (index.ensureIndex()) {
                newIndex.created();
            }
            indexCreated = true;
        }
    }

    private List<IndexOperation> writesFor(Object event) throws Exception {
        if (event instanceof DeliveredEvent delivered) {
            return List.of(reader.indexWrite(delivered.user(), delivered.mailboxId(), delivered.uid()));
        }
        MailboxChangeEvent change = (MailboxChangeEvent) event;
        switch (change.kind()) {
            case EXPUNGED:
                return change.uids().stream()
                    .map(uid -> IndexOperation.delete(change.mailboxId(), uid))
                    .collect(Collectors.toList());
            case MAILBOX_DELETED:
                index.deleteMailbox(change.mailboxId());
                backlog.forgetMailbox(change.mailboxId());
                return List.of();
            case FLAGS_CHANGED:
                return flagsChanged(change);
            default:
                throw new IllegalArgumentException("Unknown mailbox change " + change.kind());
        }
    }

    /** Reuses the indexed document with the new flags; builds it only if it is not indexed yet. */
    private List<IndexOperation> flagsChanged(MailboxChangeEvent change) throws Exception {
        Map<Long, FlagsState> current = reader.flags(change.user(), change.mailboxId(), change.uids());
        Map<String, MessageDocument> indexed = index.getDocuments(change.uids().stream()
            .map(uid -> MessageDocument.documentId(change.mailboxId(), uid))
            .collect(Collectors.toList()));
        List<IndexOperation> writes = new ArrayList<>();
        for (long uid : change.uids()) {
            FlagsState state = current.get(uid);
            MessageDocument document = indexed.get(MessageDocument.documentId(change.mailboxId(), uid));
            if (state == null) {
                writes.add(IndexOperation.delete(change.mailboxId(), uid));
            } else if (document == null) {
                writes.add(reader.indexWrite(change.user(), change.mailboxId(), uid));
            } else {
                writes.add(IndexOperation.upsert(document.withFlags(state.flags(), state.modSeq(), clock.instant())));
            }
        }
        return writes;
    }
}
