package dev.jamespipeline.mailbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mime4j.dom.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import reactor.core.publisher.Flux;

/**
 * Issue 10's two-node criterion at the mailbox manager level: 100,000 appends to ONE mailbox, from two
 * mailbox managers (two nodes: each its own event bus and JVM-local path locker) on one database, each
 * from several threads at once, get 100,000 distinct UIDs, and the mailbox then holds exactly those.
 * {@code -Dpipeline.test.appends=N} runs fewer (the full count takes minutes): ./test.sh runs 10,000;
 * README gives the command of the full run.
 */
class ConcurrentAppendsAcrossNodesTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private static final Username BOB = Username.of("bob@example.test");
    private static final int APPENDS = Integer.getInteger("pipeline.test.appends", 100_000);
    private static final int THREADS_PER_NODE = 4;

    @Test
    void appendsToOneMailboxFromBothNodesGetDistinctUidsAndAllArrive() throws Exception {
        MailboxManager nodeA = PostgresBackendFixture.backend(database.dataSource(), Set.of()).mailboxManager();
        MailboxManager nodeB = PostgresBackendFixture.backend(database.dataSource(), Set.of()).mailboxManager();
        MailboxId inbox = nodeA.createMailbox(MailboxPath.inbox(BOB), nodeA.createSystemSession(BOB)).orElseThrow();

        int threads = 2 * THREADS_PER_NODE;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<long[]>> results = new ArrayList<>();
        for (int thread = 0; thread < threads; thread++) {
            MailboxManager node = thread % 2 == 0 ? nodeA : nodeB;
            int count = APPENDS / threads + (thread < APPENDS % threads ? 1 : 0);
            int first = thread;
            results.add(executor.submit(() -> {
                MailboxSession session = node.createSystemSession(BOB);
                MessageManager mailbox = node.getMailbox(inbox, session);
                long[] uids = new long[count];
                start.await();
                for (int i = 0; i < count; i++) {
                    uids[i] = mailbox.appendMessage(MessageManager.AppendCommand.builder()
                            .build(Message.Builder.of().setSubject("append " + first + "-" + i)
                                .setBody("from thread " + first, StandardCharsets.UTF_8)), session)
                        .getId().getUid().asLong();
                }
                return uids;
            }));
        }
        BitSet seen = new BitSet();
        long appended = 0;
        long duplicates = 0;
        try {
            for (Future<long[]> result : results) {
                for (long uid : result.get()) {
                    appended++;
                    if (seen.get(Math.toIntExact(uid))) {
                        duplicates++;
                    }
                    seen.set(Math.toIntExact(uid));
                }
            }
        } finally {
            executor.shutdownNow();
        }

        assertThat(appended).isEqualTo(APPENDS);
        assertThat(duplicates).isZero();
        assertThat(seen.cardinality()).isEqualTo(APPENDS);
        MailboxSession session = nodeB.createSystemSession(BOB);
        List<Long> stored = Flux.from(nodeB.getMailbox(inbox, session).listMessagesMetadata(MessageRange.all(), session))
            .map(metadata -> metadata.getComposedMessageId().getUid().asLong())
            .collectList().block();
        assertThat(stored).hasSize(APPENDS).doesNotHaveDuplicates();
        BitSet storedUids = new BitSet();
        stored.forEach(uid -> storedUids.set(Math.toIntExact(uid)));
        assertThat(storedUids).isEqualTo(seen);
        assertThat(membershipRows()).containsExactly((long) APPENDS, (long) APPENDS);
    }

    /** The witness below James's API: the mailbox's rows, and their distinct UIDs. */
    private static List<Long> membershipRows() throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             Statement statement = connection.createStatement();
             ResultSet counts = statement.executeQuery("SELECT count(*), count(DISTINCT uid) FROM message_mailbox")) {
            counts.next();
            return List.of(counts.getLong(1), counts.getLong(2));
        }
    }
}
