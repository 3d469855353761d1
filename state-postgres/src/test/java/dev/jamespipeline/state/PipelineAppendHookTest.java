package dev.jamespipeline.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import javax.sql.DataSource;

import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.mailbox.postgres.PostgresMessageId;
import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * The hook inside a stand-in for the mailbox's transaction: a row in {@code added_message} plays the
 * message rows the PostgreSQL mailbox writes before it calls the hook, so a rollback is visible.
 */
class PipelineAppendHookTest {
    private static final Instant NOW = Instant.parse("2026-12-06T08:00:00Z");
    private static PostgresTestDatabase database;
    private static HikariDataSource secondNode;

    private final EnvelopeCodec codec = new EnvelopeCodec();
    private final PipelineAppendHook hook = new PipelineAppendHook(codec, Clock.fixed(NOW, ZoneOffset.UTC));
    private String pipelineId;

    @BeforeAll
    static void createDatabase() throws SQLException {
        database = PostgresTestDatabase.create(20);
        PipelineStateSchema.migrate(database.dataSource());
        Rows.execute(database.dataSource(), "CREATE TABLE added_message (mailbox_id TEXT NOT NULL, uid BIGINT NOT NULL)");
        secondNode = OtherNode.pool(database, 20);
    }

    @AfterAll
    static void dropDatabase() {
        secondNode.close();
        database.close();
    }

    @BeforeEach
    void newPipelineMessage() {
        pipelineId = UUID.randomUUID().toString();
    }

    @Test
    void aPipelineDeliveryIsClaimedRecordedAndAnnouncedInItsTransaction() throws Exception {
        Mailbox inbox = Mailboxes.mailbox("bob@example.com", "INBOX");
        MailboxMessage message = Mailboxes.message(inbox, 7, Mailboxes.delivery(pipelineId));

        add(database.dataSource(), inbox, message);

        assertThat(new PostgresDeliveryLedger(database.dataSource()).contains(pipelineId, LedgerEntry.delivered("Bob@example.com")))
            .isTrue();
        assertThat(count("pipeline_mailbox_delivery WHERE pipeline_id = '" + pipelineId + "'")).isEqualTo(1);
        assertThat(announcedFor(inbox)).containsExactly(new DeliveredEvent(DeliveredEvent.VERSION, "bob@example.com", "INBOX",
            inbox.getMailboxId().serialize(), message.getMessageId().serialize(), 7, message.getFullContentOctets(),
            pipelineId, NOW));
    }

    @Test
    void aSecondDeliveryIntoTheSameMailboxRollsTheWholeAdditionBack() throws Exception {
        Mailbox inbox = Mailboxes.mailbox("bob@example.com", "INBOX");
        add(database.dataSource(), inbox, Mailboxes.message(inbox, 1, Mailboxes.delivery(pipelineId)));

        assertThatThrownBy(() -> add(database.dataSource(), inbox, Mailboxes.message(inbox, 2, Mailboxes.delivery(pipelineId))))
            .isInstanceOf(DuplicateDeliveryException.class)
            .hasMessageContaining(pipelineId);

        assertThat(count("added_message WHERE mailbox_id = '" + inbox.getMailboxId().serialize() + "'")).isEqualTo(1);
        assertThat(announcedFor(inbox)).hasSize(1);
    }

    @Test
    void fileintoCopyIntoTwoMailboxesOfOneUserIsTwoDeliveriesAndOneLedgerEntry() throws Exception {
        Mailbox inbox = Mailboxes.mailbox("bob@example.com", "INBOX");
        Mailbox archive = Mailboxes.mailbox("bob@example.com", "Archive");

        add(database.dataSource(), inbox, Mailboxes.message(inbox, 1, Mailboxes.delivery(pipelineId)));
        add(database.dataSource(), archive, Mailboxes.message(archive, 1, Mailboxes.delivery(pipelineId)));

        assertThat(count("pipeline_mailbox_delivery WHERE pipeline_id = '" + pipelineId + "'")).isEqualTo(2);
        assertThat(count("pipeline_ledger WHERE pipeline_id = '" + pipelineId + "'")).isEqualTo(1);
        assertThat(announcedFor(inbox)).hasSize(1);
        assertThat(announcedFor(archive)).hasSize(1);
    }

    @Test
    void theSameMessageForTwoUsersIsTwoDeliveries() throws Exception {
        Mailbox bobs = Mailboxes.mailbox("bob@example.com", "INBOX");
        Mailbox carols = Mailboxes.mailbox("carol@example.com", "INBOX");

        add(database.dataSource(), bobs, Mailboxes.message(bobs, 1, Mailboxes.delivery(pipelineId)));
        add(database.dataSource(), carols, Mailboxes.message(carols, 1, Mailboxes.delivery(pipelineId)));

        assertThat(count("pipeline_ledger WHERE pipeline_id = '" + pipelineId + "'")).isEqualTo(2);
    }

    @Test
    void aUsersCopyOrMoveOfADeliveredMessageIsNoDeliveryButIsAnnounced() throws Exception {
        Mailbox inbox = Mailboxes.mailbox("bob@example.com", "INBOX");
        Mailbox archive = Mailboxes.mailbox("bob@example.com", "Archive");
        MailboxMessage delivered = Mailboxes.message(inbox, 1, Mailboxes.delivery(pipelineId));
        PostgresMessageId sameId = (PostgresMessageId) delivered.getMessageId();
        add(database.dataSource(), inbox, delivered);

        // COPY into Archive, COPY into the INBOX it is already in, MOVE back: all keep the message id.
        add(database.dataSource(), archive, Mailboxes.message(archive, 1, Mailboxes.delivery(pipelineId), sameId));
        add(database.dataSource(), inbox, Mailboxes.message(inbox, 2, Mailboxes.delivery(pipelineId), sameId));
        add(database.dataSource(), inbox, Mailboxes.message(inbox, 3, Mailboxes.delivery(pipelineId), sameId));

        assertThat(count("pipeline_mailbox_delivery WHERE pipeline_id = '" + pipelineId + "'")).isEqualTo(1);
        assertThat(announcedFor(inbox)).hasSize(3);
        assertThat(announcedFor(archive)).hasSize(1);
    }

    @Test
    void mailThatDidNotComeThroughThePipelineIsAnnouncedButRecordsNothing() throws Exception {
        Mailbox sent = Mailboxes.mailbox("bob@example.com", "Sent");

        add(database.dataSource(), sent, Mailboxes.message(sent, 1, "Subject: appended over IMAP\r\n\r\nbody\r\n"));

        assertThat(announcedFor(sent)).singleElement().satisfies(event -> assertThat(event.pipelineId()).isNull());
    }

    @Test
    void onlyTheFirstPipelineIdHeaderCountsAndAnInvalidOneIsNone() throws Exception {
        Mailbox inbox = Mailboxes.mailbox("bob@example.com", "INBOX");
        String senderWritten = UUID.randomUUID().toString();
        add(database.dataSource(), inbox, Mailboxes.message(inbox, 1,
            "X-James-Pipeline-Id: " + pipelineId + "\r\nSubject: x\r\nX-James-Pipeline-Id: " + senderWritten + "\r\n\r\nbody\r\n"));
        add(database.dataSource(), inbox, Mailboxes.message(inbox, 2,
            "X-James-Pipeline-Id: ../../etc/passwd\r\nSubject: x\r\n\r\nbody\r\n"));

        assertThat(count("pipeline_mailbox_delivery WHERE pipeline_id = '" + pipelineId + "'")).isEqualTo(1);
        assertThat(count("pipeline_mailbox_delivery WHERE pipeline_id = '" + senderWritten + "'")).isZero();
        assertThat(announcedFor(inbox)).extracting(DeliveredEvent::pipelineId).containsExactly(pipelineId, null);
    }

    @Test
    void aHugeHeaderIsReadWithoutLimits() throws Exception {
        Mailbox inbox = Mailboxes.mailbox("bob@example.com", "INBOX");
        String hugeLine = "X-Filler: " + "a".repeat(1_000_000) + "\r\n";

        add(database.dataSource(), inbox, Mailboxes.message(inbox, 1, hugeLine + "Subject: x\r\n\r\nbody\r\n"));

        assertThat(announcedFor(inbox)).hasSize(1);
    }

    /** Two nodes (two pools) deliver the same pipeline message into the same mailbox at once: one commits. */
    @Test
    void concurrentDeliveriesFromTwoNodesCommitOnce() throws Exception {
        Mailbox inbox = Mailboxes.mailbox("bob@example.com", "INBOX");
        int perNode = 8;
        CyclicBarrier start = new CyclicBarrier(2 * perNode);
        ExecutorService threads = Executors.newFixedThreadPool(2 * perNode);
        List<Future<Boolean>> outcomes = new ArrayList<>();
        for (int i = 0; i < 2 * perNode; i++) {
            DataSource node = i % 2 == 0 ? database.dataSource() : secondNode;
            long uid = i + 1;
            outcomes.add(threads.submit(() -> {
                start.await();
                try {
                    add(node, inbox, Mailboxes.message(inbox, uid, Mailboxes.delivery(pipelineId)));
                    return true;
                } catch (DuplicateDeliveryException e) {
                    return false;
                }
            }));
        }
        int committed = 0;
        for (Future<Boolean> outcome : outcomes) {
            committed += outcome.get() ? 1 : 0;
        }
        threads.shutdown();

        assertThat(committed).isEqualTo(1);
        assertThat(count("added_message WHERE mailbox_id = '" + inbox.getMailboxId().serialize() + "'")).isEqualTo(1);
        assertThat(announcedFor(inbox)).hasSize(1);
    }

    /** What the PostgreSQL mailbox does around the hook: its rows, the hook, commit; or rollback on a throw. */
    private void add(DataSource node, Mailbox mailbox, MailboxMessage message) throws SQLException {
        Jdbc.inTransaction(node, transaction -> {
            try (PreparedStatement insert = transaction.prepareStatement("INSERT INTO added_message VALUES (?, ?)")) {
                insert.setString(1, mailbox.getMailboxId().serialize());
                insert.setLong(2, message.getUid().asLong());
                insert.executeUpdate();
            }
            hook.added(transaction, mailbox, message);
            return null;
        });
    }

    private List<DeliveredEvent> announcedFor(Mailbox mailbox) throws Exception {
        List<DeliveredEvent> events = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement select = connection.prepareStatement(
                 "SELECT routing_key, payload FROM pipeline_outbox ORDER BY id")) {
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    assertThat(rows.getString(1)).isEqualTo(DeliveredEvent.ROUTING_KEY);
                    DeliveredEvent event = codec.decodeDelivered(rows.getBytes(2));
                    if (event.mailboxId().equals(mailbox.getMailboxId().serialize())) {
                        events.add(event);
                    }
                }
            }
        }
        return events;
    }

    private static long count(String fromWhere) throws SQLException {
        return Rows.count(database.dataSource(), fromWhere);
    }
}
