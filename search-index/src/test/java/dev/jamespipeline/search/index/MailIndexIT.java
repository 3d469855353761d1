package dev.jamespipeline.search.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.search.document.MessageDocument;

/** Writes, reads, counts and deletes against a real OpenSearch. */
class MailIndexIT {
    private static TestIndex test;
    private static MailIndex index;

    /** Each test works in mailboxes of its own: the index is shared by the class. */
    private String mailbox;

    @BeforeAll
    static void createIndex() throws Exception {
        test = TestIndex.create();
        index = test.index;
    }

    @AfterAll
    static void deleteIndex() throws Exception {
        test.close();
    }

    @BeforeEach
    void newMailbox() {
        mailbox = "mailbox-" + UUID.randomUUID();
    }

    @Test
    void ensureIndexCreatesTheStrictMappingOnceEvenWhenCalledConcurrently() throws Exception {
        String name = TestIndex.randomName();
        ExecutorService threads = Executors.newFixedThreadPool(3);
        try (MailIndex fresh = MailIndex.connect(TestIndex.settings(name))) {
            List<Future<?>> calls = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                calls.add(threads.submit(() -> {
                    fresh.ensureIndex();
                    return null;
                }));
            }
            for (Future<?> call : calls) {
                call.get();
            }
            fresh.ensureIndex();

            assertThat(TestIndex.http("GET", "/" + name + "/_mapping", null))
                .contains("\"dynamic\":\"strict\"")
                .contains("\"headers\":{\"type\":\"nested\"");
            assertThat(TestIndex.http("GET", "/" + name + "/_settings", null))
                .contains("\"gc_deletes\":\"1h\"")
                .contains("\"number_of_replicas\":\"0\"");
        } finally {
            threads.shutdownNow();
            TestIndex.delete(name);
        }
    }

    @Test
    void anIndexDeletedWhileInUseComesBackWithItsMappingAtTheNextWrite() throws Exception {
        String name = TestIndex.randomName();
        try (MailIndex fresh = MailIndex.connect(TestIndex.settings(name))) {
            fresh.ensureIndex();
            TestIndex.http("DELETE", "/" + name, null);

            WriteOutcome outcome = fresh.write(List.of(IndexOperation.upsert(TestDocuments.message(mailbox, 1).build())));

            assertThat(outcome.isComplete()).isTrue();
            assertThat(TestIndex.http("GET", "/" + name + "/_mapping", null))
                .contains("\"dynamic\":\"strict\"")
                .contains("\"headers\":{\"type\":\"nested\"");
        } finally {
            TestIndex.delete(name);
        }
    }

    @Test
    void aDocumentReadsBackAsItWasWritten() throws Exception {
        MessageDocument document = TestDocuments.message(mailbox, 1)
            .flags("\\Seen", "work")
            .internalDate("2024-03-10T10:00:00.123456789Z")
            .mimeMessageId("<a@example.com>")
            .attachment("report.pdf", "quarterly numbers")
            .build();
        MessageDocument withoutSentDate = TestDocuments.message(mailbox, 2).noSentDate().build();

        test.write(List.of(IndexOperation.upsert(document), IndexOperation.upsert(withoutSentDate)));

        assertThat(index.getDocuments(List.of(document.documentId(), withoutSentDate.documentId(), "absent:1")))
            .containsOnlyKeys(document.documentId(), withoutSentDate.documentId())
            .containsEntry(document.documentId(), document)
            .containsEntry(withoutSentDate.documentId(), withoutSentDate);
    }

    @Test
    void writingTheSameDocumentTwiceLeavesOneDocument() throws Exception {
        MessageDocument document = TestDocuments.message(mailbox, 1).build();

        test.write(List.of(IndexOperation.upsert(document)));
        test.write(List.of(IndexOperation.upsert(document), IndexOperation.upsert(document)));
        index.refresh();

        assertThat(index.counters(mailbox).messages()).isEqualTo(1);
    }

    @Test
    void anOlderModSeqNeverOverwritesANewerOneAndLosingIsNotAFailure() throws Exception {
        MessageDocument newer = TestDocuments.message(mailbox, 1).modSeq(5).flags("\\Seen").build();
        MessageDocument older = TestDocuments.message(mailbox, 1).modSeq(3).flags().build();

        test.write(List.of(IndexOperation.upsert(newer)));
        WriteOutcome outcome = index.write(List.of(IndexOperation.upsert(older)));

        assertThat(outcome.isComplete()).isTrue();
        assertThat(index.getDocuments(List.of(newer.documentId()))).containsEntry(newer.documentId(), newer);
    }

    @Test
    void theSameModSeqOverwritesSoAReindexRefreshesTheDocument() throws Exception {
        MessageDocument first = TestDocuments.message(mailbox, 1).modSeq(5).indexedAt("2024-03-10T10:00:00Z").build();
        MessageDocument reindexed = TestDocuments.message(mailbox, 1).modSeq(5).indexedAt("2024-05-01T00:00:00Z").build();

        test.write(List.of(IndexOperation.upsert(first)));
        test.write(List.of(IndexOperation.upsert(reindexed)));

        assertThat(index.getDocuments(List.of(first.documentId()))).containsEntry(first.documentId(), reindexed);
    }

    @Test
    void aDeleteKeepsALateWriteOfTheExpungedMessageOut() throws Exception {
        MessageDocument indexed = TestDocuments.message(mailbox, 1).modSeq(2).build();
        MessageDocument late = TestDocuments.message(mailbox, 1).modSeq(3).build();
        MessageDocument neverIndexed = TestDocuments.message(mailbox, 2).modSeq(7).build();

        test.write(List.of(IndexOperation.upsert(indexed)));
        test.write(List.of(IndexOperation.delete(mailbox, 1), IndexOperation.delete(mailbox, 2)));
        WriteOutcome lateWrites = index.write(List.of(IndexOperation.upsert(late), IndexOperation.upsert(neverIndexed)));
        WriteOutcome deletedAgain = index.write(List.of(IndexOperation.delete(mailbox, 1)));

        assertThat(lateWrites.isComplete()).isTrue();
        assertThat(deletedAgain.isComplete()).isTrue();
        assertThat(index.getDocuments(List.of(indexed.documentId(), neverIndexed.documentId()))).isEmpty();
    }

    @Test
    void operationsOpenSearchRefusesAreReturnedByPosition() throws Exception {
        try (TestIndex blocked = TestIndex.create()) {
            TestIndex.http("PUT", "/" + blocked.name + "/_settings", "{\"index.blocks.write\": true}");

            WriteOutcome outcome = blocked.index.write(List.of(
                IndexOperation.upsert(TestDocuments.message(mailbox, 1).build()),
                IndexOperation.delete(mailbox, 2)));

            assertThat(outcome.isComplete()).isFalse();
            assertThat(outcome.failures()).containsOnlyKeys(0, 1);
            assertThat(outcome.failures().get(0)).contains("403").contains("cluster_block_exception");
        }
    }

    @Test
    void anUnreachableOpenSearchIsReportedAsUnavailable() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        OpenSearchSettings nowhere = TestIndex.settings(TestIndex.randomName())
            .withUrl(URI.create("http://127.0.0.1:" + closedPort));
        try (MailIndex unreachable = MailIndex.connect(nowhere)) {
            assertThat(unreachable.ping()).isFalse();
            assertThatThrownBy(unreachable::ensureIndex).isInstanceOf(IndexUnavailableException.class);
            assertThatThrownBy(() -> unreachable.write(List.of(IndexOperation.delete(mailbox, 1))))
                .isInstanceOf(IndexUnavailableException.class)
                .hasMessageContaining("bulk write");
            assertThatThrownBy(() -> unreachable.counters(mailbox)).isInstanceOf(IndexUnavailableException.class);
        }
        assertThat(index.ping()).isTrue();
    }

    @Test
    void countersCountTheMailboxMessagesAndThoseNotSeen() throws Exception {
        test.write(List.of(
            IndexOperation.upsert(TestDocuments.message(mailbox, 1).flags("\\Seen").build()),
            IndexOperation.upsert(TestDocuments.message(mailbox, 2).flags("\\Flagged").build()),
            IndexOperation.upsert(TestDocuments.message(mailbox, 3).build()),
            IndexOperation.upsert(TestDocuments.message("other-" + mailbox, 1).build())));
        index.refresh();

        assertThat(index.counters(mailbox)).isEqualTo(new MailboxCounters(3, 2));
    }

    @Test
    void deletingAMailboxRemovesJustWrittenDocumentsAndKeepsLateWritesOut() throws Exception {
        String other = "other-" + mailbox;
        List<IndexOperation> writes = new ArrayList<>();
        for (long uid = 1; uid <= 3; uid++) {
            writes.add(IndexOperation.upsert(TestDocuments.message(mailbox, uid).build()));
        }
        writes.add(IndexOperation.upsert(TestDocuments.message(other, 1).build()));
        test.write(writes);

        long deleted = index.deleteMailbox(mailbox);
        test.write(List.of(IndexOperation.upsert(TestDocuments.message(mailbox, 2).modSeq(9).build())));
        index.refresh();

        assertThat(deleted).isEqualTo(3);
        assertThat(index.counters(mailbox).messages()).isZero();
        assertThat(index.counters(other).messages()).isEqualTo(1);
    }

    @Test
    void olderDocumentsAreOnlyThatUsersDocumentsWrittenBeforeTheCutoff() throws Exception {
        String bob = "bob-" + mailbox + "@example.com";
        String alice = "alice-" + mailbox + "@example.com";
        MessageDocument stale = TestDocuments.message(mailbox, 1).user(bob).indexedAt("2024-01-01T00:00:00Z").build();
        MessageDocument fresh = TestDocuments.message(mailbox, 2).user(bob).indexedAt("2024-06-01T00:00:00Z").build();
        MessageDocument othersStale = TestDocuments.message("alice-" + mailbox, 1).user(alice)
            .indexedAt("2024-01-01T00:00:00Z").build();
        test.write(List.of(IndexOperation.upsert(stale), IndexOperation.upsert(fresh), IndexOperation.upsert(othersStale)));
        index.refresh();

        assertThat(index.userDocumentsIndexedBefore(bob, Instant.parse("2024-05-01T00:00:00Z")))
            .containsExactly(new MailIndex.DocumentKey(mailbox, 1));
    }
}
