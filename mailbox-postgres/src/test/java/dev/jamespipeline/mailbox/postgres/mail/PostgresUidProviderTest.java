package dev.jamespipeline.mailbox.postgres.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;

class PostgresUidProviderTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private PostgresUidProvider uids;
    private Mailbox inbox;

    @BeforeEach
    void setUp() {
        uids = new PostgresUidProvider(database.dataSource());
        inbox = new PostgresMailboxMapper(database.dataSource())
            .create(MailboxPath.inbox(Username.of("alice")), UidValidity.of(7)).block();
    }

    @Test
    void aNewMailboxHasNoLastUidAndHandsOutOneFirst() throws Exception {
        assertThat(uids.lastUid(inbox)).isEmpty();

        assertThat(uids.nextUid(inbox)).isEqualTo(MessageUid.of(1));
        assertThat(uids.nextUid(inbox.getMailboxId())).isEqualTo(MessageUid.of(2));
        assertThat(uids.lastUid(inbox)).contains(MessageUid.of(2));
    }

    @Test
    void nextUidsHandsOutConsecutiveUidsAfterTheLast() throws Exception {
        uids.nextUid(inbox);

        assertThat(uids.nextUids(inbox.getMailboxId(), 3).block())
            .containsExactly(MessageUid.of(2), MessageUid.of(3), MessageUid.of(4));
        assertThat(uids.lastUid(inbox)).contains(MessageUid.of(4));
    }

    @Test
    void mailboxesCountSeparately() throws Exception {
        Mailbox other = new PostgresMailboxMapper(database.dataSource())
            .create(MailboxPath.inbox(Username.of("bob")), UidValidity.of(7)).block();
        uids.nextUid(inbox);
        uids.nextUid(inbox);

        assertThat(uids.nextUid(other)).isEqualTo(MessageUid.of(1));
    }

    @Test
    void anAbsentMailboxIsReportedNotFound() {
        assertThatThrownBy(() -> uids.nextUid(PostgresMailboxId.generate())).isInstanceOf(MailboxNotFoundException.class);
    }

    @Test
    void concurrentAllocationsFromSeparateProvidersNeverRepeatAUid() throws Exception {
        int threads = 8;
        int callsPerThread = 50;

        // A provider per call stands for separate nodes: nothing is shared but the database.
        List<MessageUid> allocated = Concurrently.run(threads, callsPerThread,
            () -> new PostgresUidProvider(database.dataSource()).nextUid(inbox.getMailboxId()));

        assertThat(allocated.stream().map(MessageUid::asLong).collect(Collectors.toSet()))
            .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, threads * callsPerThread).boxed().toList());
        assertThat(uids.lastUid(inbox)).contains(MessageUid.of(threads * callsPerThread));
    }

    @Test
    void concurrentBatchesNeverOverlap() throws Exception {
        List<List<MessageUid>> batches = Concurrently.run(6, 20, () -> uids.nextUids(inbox.getMailboxId(), 5).block());

        List<Long> all = batches.stream().flatMap(List::stream).map(MessageUid::asLong).toList();
        assertThat(all).doesNotHaveDuplicates().hasSize(6 * 20 * 5);
        assertThat(all).containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 600).boxed().toList());
    }
}
