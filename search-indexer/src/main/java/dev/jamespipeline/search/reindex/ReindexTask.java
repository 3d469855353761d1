package dev.jamespipeline.search.reindex;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResultIterator;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.task.Task;
import org.apache.james.task.TaskExecutionDetails;
import org.apache.james.task.TaskType;
import org.apache.james.user.api.UsersRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.search.IndexBacklog;
import dev.jamespipeline.search.index.IndexOperation;
import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.indexer.MailboxReader;

import reactor.core.publisher.Flux;

/**
 * Rebuilds the index of one user, or of every user, from their mailboxes: every message is
 * written again (same or newer version, so live indexing running meanwhile is not undone), then
 * each of the user's documents still older than the run is checked against the mailbox: deleted
 * when its message no longer exists, written again when it does. While a
 * user is rebuilt, the {@link IndexBacklog} lists each of their mailboxes whole, so searches scan them
 * rather than trust a half-rebuilt index.
 */
public class ReindexTask implements Task {
    public static final TaskType TYPE = TaskType.of("pipeline-search-reindex");
    private static final Logger LOGGER = LoggerFactory.getLogger(ReindexTask.class);
    private static final int BATCH = 100;

    private final Optional<Username> onlyUser;
    private final UsersRepository users;
    private final MailboxManager mailboxManager;
    private final MailboxReader reader;
    private final MailIndex index;
    private final IndexBacklog backlog;
    private final Clock clock;
    private final AtomicLong usersDone = new AtomicLong();
    private final AtomicLong indexed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    public ReindexTask(Optional<Username> onlyUser, UsersRepository users, MailboxManager mailboxManager,
                       MailboxReader reader, MailIndex index, IndexBacklog backlog, Clock clock) {
        this.onlyUser = onlyUser;
        this.users = users;
        this.mailboxManager = mailboxManager;
        this.reader = reader;
        this.index = index;
        this.backlog = backlog;
        this.clock = clock;
    }

    @Override
    public Result run() {
        try {
            index.ensureIndex();
            List<Username> targets = onlyUser.map(List::of)
                .orElseGet(() -> Flux.from(users.listReactive()).collectList().block());
            Result result = Result.COMPLETED;
            for (Username user : targets) {
                result = Task.combine(result, reindex(user));
                usersDone.incrementAndGet();
            }
            if (onlyUser.isEmpty() && result == Result.COMPLETED) {
                // Every user is in the index: a new index's "scan every mailbox" ends.
                backlog.applied(List.of(IndexBacklog.Change.everyMailbox()));
            }
            return result;
        } catch (Exception e) {
            LOGGER.error("Re-indexing stopped", e);
            return Result.PARTIAL;
        }
    }

    private Result reindex(Username user) throws Exception {
        Instant startedAt = clock.instant();
        long failedBefore = failed.get();
        MailboxSession session = mailboxManager.createSystemSession(user);
        List<IndexBacklog.Change> wholeMailboxes;
        try {
            List<MailboxMetaData> mailboxes = mailboxManager
                .search(MailboxQuery.privateMailboxesBuilder(session).build(), session)
                .collectList().block();
            // Until the rebuild is over, no document of these mailboxes is trusted: searches scan them.
            wholeMailboxes = mailboxes.stream()
                .map(mailbox -> IndexBacklog.Change.wholeMailbox(mailbox.getId().serialize()))
                .collect(Collectors.toList());
            backlog.record(wholeMailboxes);
            for (MailboxMetaData mailbox : mailboxes) {
                reindexMailbox(user, mailboxManager.getMailbox(mailbox.getId(), session), session);
            }
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
        if (failed.get() > failedBefore) {
            // Keep what is there: a message that failed now may still be indexed from before. The mailboxes
            // stay scanned (exact, slower) until a re-index completes.
            return Result.PARTIAL;
        }
        if (!settleOlderDocuments(user.asString(), startedAt)) {
            return Result.PARTIAL;
        }
        index.refresh();
        backlog.applied(wholeMailboxes);
        return Result.COMPLETED;
    }

    /**
     * Brings every document of the user still older than this run (once its own writes are visible) to the
     * mailbox as it is now: deleted when its message is gone, written again when it exists. Not deleted
     * blindly: a live write built before the run and landing after the run's own write of the same version
     * leaves an existing message's document looking older than the run.
     *
     * @return whether every write succeeded
     */
    private boolean settleOlderDocuments(String user, Instant startedAt) throws Exception {
        index.refresh();
        List<MailIndex.DocumentKey> older = index.userDocumentsIndexedBefore(user, startedAt);
        for (int from = 0; from < older.size(); from += BATCH) {
            List<IndexOperation> operations = new ArrayList<>();
            for (MailIndex.DocumentKey key : older.subList(from, Math.min(from + BATCH, older.size()))) {
                operations.add(reader.indexWrite(user, key.mailboxId(), key.uid()));
            }
            int writeFailures = index.write(operations).failures().size();
            if (writeFailures > 0) {
                failed.addAndGet(writeFailures);
                return false;
            }
        }
        return true;
    }

    private void reindexMailbox(Username user, MessageManager mailbox, MailboxSession session) throws Exception {
        String mailboxId = mailbox.getId().serialize();
        MessageResultIterator messages = mailbox.getMessages(MessageRange.all(), FetchGroup.MINIMAL, session);
        List<Long> uids = new ArrayList<>();
        while (messages.hasNext()) {
            uids.add(messages.next().getUid().asLong());
            if (uids.size() == BATCH || !messages.hasNext()) {
                writeBatch(user.asString(), mailboxId, uids);
                uids.clear();
            }
        }
        // James's iterator ends early on a failed read, keeping the failure: the mailbox was not read whole.
        if (messages.getException() != null) {
            throw messages.getException();
        }
    }

    private void writeBatch(String user, String mailboxId, List<Long> uids) throws Exception {
        List<IndexOperation> operations = new ArrayList<>();
        for (long uid : uids) {
            try {
                reader.document(user, mailboxId, uid).map(IndexOperation::upsert).ifPresent(operations::add);
            } catch (Exception e) {
                LOGGER.warn("Re-indexing: cannot read message {} of mailbox {}: {}", uid, mailboxId, e.getMessage());
                failed.incrementAndGet();
            }
        }
        int writeFailures = index.write(operations).failures().size();
        failed.addAndGet(writeFailures);
        indexed.addAndGet(operations.size() - writeFailures);
    }

    @Override
    public TaskType type() {
        return TYPE;
    }

    @Override
    public Optional<TaskExecutionDetails.AdditionalInformation> details() {
        return Optional.of(new Details(onlyUser.map(Username::asString), usersDone.get(), indexed.get(), failed.get(),
            clock.instant()));
    }

    /** Progress, as {@code GET /tasks/{id}} shows it. */
    public record Details(Optional<String> user, long usersDone, long messagesIndexed, long messagesFailed,
                          Instant timestamp) implements TaskExecutionDetails.AdditionalInformation {
    }
}
