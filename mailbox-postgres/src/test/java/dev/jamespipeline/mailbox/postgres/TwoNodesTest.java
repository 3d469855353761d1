package dev.jamespipeline.mailbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mime4j.dom.Message;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import reactor.core.publisher.Flux;

/**
 * Two James nodes: two backends with their own event bus and their own (JVM-local) path locker,
 * sharing only the database. What keeps them consistent must be PostgreSQL.
 */
class TwoNodesTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private static final Username ALICE = Username.of("alice");
    private static final int APPENDS_PER_THREAD = 15;

    private MailboxManager nodeA;
    private MailboxManager nodeB;

    @BeforeEach
    void setUp() {
        nodeA = PostgresBackendFixture.backend(database.dataSource(), Set.of()).mailboxManager();
        nodeB = PostgresBackendFixture.backend(database.dataSource(), Set.of()).mailboxManager();
    }

    @Test
    void appendsOnBothNodesAtOnceGetDistinctUidsAndAllArrive() throws Exception {
        MailboxPath inbox = MailboxPath.inbox(ALICE);
        MailboxId inboxId = nodeA.createMailbox(inbox, nodeA.createSystemSession(ALICE)).orElseThrow();

        List<MessageUid> uids = onBothNodes(2, node -> {
            MailboxSession session = node.createSystemSession(ALICE);
            MessageManager mailbox = node.getMailbox(inboxId, session);
            List<MessageUid> appended = new ArrayList<>();
            for (int i = 0; i < APPENDS_PER_THREAD; i++) {
                appended.add(mailbox.appendMessage(MessageManager.AppendCommand.builder()
                    .build(Message.Builder.of().setSubject("m" + i).setBody("body " + i, StandardCharsets.UTF_8)), session)
                    .getId().getUid());
            }
            return appended;
        });

        int expected = 2 * 2 * APPENDS_PER_THREAD;
        assertThat(uids).doesNotHaveDuplicates().hasSize(expected);
        MailboxSession session = nodeB.createSystemSession(ALICE);
        assertThat(Flux.from(nodeB.getMailbox(inboxId, session).listMessagesMetadata(MessageRange.all(), session)).count().block())
            .isEqualTo(expected);
    }

    @Test
    void creatingTheSameMailboxOnBothNodesAtOnceMakesOne() throws Exception {
        MailboxPath path = MailboxPath.forUser(ALICE, "projects.2026.q4");

        // A caller that finds the mailbox already there is told so (IMAP CREATE answers NO); none may fail otherwise.
        List<Optional<MailboxId>> created = onBothNodes(3, node -> {
            try {
                return List.of(node.createMailbox(path, node.createSystemSession(ALICE)));
            } catch (MailboxExistsException e) {
                return List.of(Optional.empty());
            }
        });

        MailboxSession session = nodeA.createSystemSession(ALICE);
        assertThat(nodeA.search(MailboxQuery.privateMailboxesBuilder(session).build(), session).collectList().block())
            .extracting(metadata -> metadata.getPath().getName())
            .containsExactlyInAnyOrder("projects", "projects.2026", "projects.2026.q4");
        // The call that created the mailbox reports its id. (One that lost the race on the leaf after
        // creating a parent reports the parent's: James's StoreMailboxManager returns the last it created.)
        assertThat(created).contains(Optional.of(nodeA.getMailbox(path, session).getId()));
    }

    /** Runs the work on each node from {@code threadsPerNode} threads at once and gathers the results. */
    private <T> List<T> onBothNodes(int threadsPerNode, NodeWork<T> work) throws Exception {
        int threads = 2 * threadsPerNode;
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads);
            List<Future<List<T>>> futures = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                MailboxManager node = thread % 2 == 0 ? nodeA : nodeB;
                Callable<List<T>> call = () -> {
                    start.await();
                    return work.run(node);
                };
                futures.add(executor.submit(call));
            }
            List<T> results = new ArrayList<>();
            for (Future<List<T>> future : futures) {
                results.addAll(future.get());
            }
            return results;
        } finally {
            executor.shutdownNow();
        }
    }

    @FunctionalInterface
    private interface NodeWork<T> {
        List<T> run(MailboxManager node) throws Exception;
    }
}
