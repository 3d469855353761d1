package dev.jamespipeline.core.search;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.search.IndexBacklog.Change;

/** What every {@link IndexBacklog} does; each implementation's test extends it. */
public abstract class IndexBacklogContract {
    private final String mailbox = UUID.randomUUID().toString();
    private final String otherMailbox = UUID.randomUUID().toString();

    protected abstract IndexBacklog backlog();

    @Test
    void recordedChangesArePendingPerMailbox() throws Exception {
        backlog().record(List.of(new Change(mailbox, 1, 10), new Change(mailbox, 2, 11), new Change(otherMailbox, 7, 3)));

        assertThat(backlog().pendingUids(mailbox)).containsExactlyInAnyOrder(1L, 2L);
        assertThat(backlog().pendingUids(otherMailbox)).containsExactly(7L);
        assertThat(backlog().pendingUids(UUID.randomUUID().toString())).isEmpty();
    }

    @Test
    void recordingTheSameChangeTwiceKeepsOne() throws Exception {
        backlog().record(List.of(new Change(mailbox, 1, 10)));
        backlog().record(List.of(new Change(mailbox, 1, 10)));

        backlog().applied(List.of(new Change(mailbox, 1, 10)));

        assertThat(backlog().pendingUids(mailbox)).isEmpty();
    }

    /** The index showing an older state of a message does not cover a newer change of it. */
    @Test
    void appliedClearsTheChangesAtOrBelowItsModSeqOnly() throws Exception {
        backlog().record(List.of(new Change(mailbox, 1, 10), new Change(mailbox, 1, 12), new Change(mailbox, 2, 11)));

        backlog().applied(List.of(new Change(mailbox, 1, 10), new Change(mailbox, 2, 20)));
        assertThat(backlog().pendingUids(mailbox)).containsExactly(1L);

        backlog().applied(List.of(new Change(mailbox, 1, 12)));
        assertThat(backlog().pendingUids(mailbox)).isEmpty();
    }

    @Test
    void anExpungeIsClearedOnlyByTheIndexDeletingTheMessage() throws Exception {
        backlog().record(List.of(new Change(mailbox, 3, 10), Change.expunged(mailbox, 3)));

        backlog().applied(List.of(new Change(mailbox, 3, 10)));
        assertThat(backlog().pendingUids(mailbox)).containsExactly(3L);

        backlog().applied(List.of(Change.expunged(mailbox, 3)));
        assertThat(backlog().pendingUids(mailbox)).isEmpty();
    }

    @Test
    void aWholeMailboxIsListedUntilItsRebuildIsApplied() throws Exception {
        backlog().record(List.of(Change.wholeMailbox(mailbox), new Change(mailbox, 5, 10)));
        assertThat(backlog().pendingUids(mailbox)).containsExactlyInAnyOrder(IndexBacklog.WHOLE_MAILBOX, 5L);

        backlog().applied(List.of(new Change(mailbox, 5, 10)));
        assertThat(backlog().pendingUids(mailbox)).containsExactly(IndexBacklog.WHOLE_MAILBOX);

        backlog().applied(List.of(Change.wholeMailbox(mailbox)));
        assertThat(backlog().pendingUids(mailbox)).isEmpty();
    }

    @Test
    void forgettingAMailboxLeavesTheOthers() throws Exception {
        backlog().record(List.of(new Change(mailbox, 1, 10), new Change(otherMailbox, 1, 10)));

        backlog().forgetMailbox(mailbox);

        assertThat(backlog().pendingUids(mailbox)).isEmpty();
        assertThat(backlog().pendingUids(otherMailbox)).containsExactly(1L);
    }

    @Test
    void applyingWhatWasNeverRecordedChangesNothing() throws Exception {
        backlog().record(List.of(new Change(mailbox, 1, 10)));

        backlog().applied(List.of(new Change(mailbox, 2, 99), new Change(UUID.randomUUID().toString(), 1, 99)));

        assertThat(backlog().pendingUids(mailbox)).containsExactly(1L);
    }
}
