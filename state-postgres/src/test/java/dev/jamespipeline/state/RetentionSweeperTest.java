package dev.jamespipeline.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.core.store.StorageKeys;
import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * Ages are made by moving rows' times back, as if the sweep ran later: no test waits for a clock.
 */
class RetentionSweeperTest {
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final Duration RETENTION = Duration.ofDays(7);

    private PostgresTestDatabase database;
    private PostgresMessageStore store;
    private RetentionSweeper sweeper;

    @BeforeEach
    void createDatabase() {
        database = PostgresTestDatabase.create(4);
        PipelineStateSchema.migrate(database.dataSource());
        store = new PostgresMessageStore(database.dataSource());
        sweeper = new RetentionSweeper(database.dataSource(), GRACE, RETENTION);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    /**
     * 1,500 messages go through two stages (received, handed off, each released when its stage completes,
     * as the stage runner does); one is dead-lettered in the second stage and never released.
     */
    @Test
    void theStoreReturnsToTheDeadLettersAfterDeliveryAndTheGracePeriod() throws Exception {
        List<String> pipelineIds = new ArrayList<>();
        for (int i = 0; i < 1500; i++) {
            String pipelineId = UUID.randomUUID().toString();
            pipelineIds.add(pipelineId);
            StorageKey received = StorageKeys.received(Instant.now());
            store.write(received, out -> out.write(new byte[10 * 1024]));
            StorageKey handoff = StorageKeys.stageHandoff(pipelineId, "deliver");
            store.write(handoff, out -> out.write(new byte[10 * 1024]));
            store.release(received);
            if (i != 0) {
                store.release(handoff);
            }
        }
        assertThat(messages()).isEqualTo(3000);

        assertThat(sweeper.sweep().messages()).as("within the grace period").isZero();
        Rows.execute(database.dataSource(), "UPDATE pipeline_message SET released_at = released_at - interval '11 minutes'");
        RetentionSweeper.Swept swept = sweeper.sweep();

        assertThat(swept.messages()).isEqualTo(2999);
        assertThat(messages()).isEqualTo(1);
        assertThat(Rows.count(database.dataSource(), "pipeline_message WHERE storage_key = '"
            + StorageKeys.stageHandoff(pipelineIds.get(0), "deliver").value() + "'")).isEqualTo(1);
    }

    @Test
    void ledgerEntriesClaimsAndWithdrawalMarksExpireAfterTheRetention() throws Exception {
        PostgresDeliveryLedger ledger = new PostgresDeliveryLedger(database.dataSource());
        String old = UUID.randomUUID().toString();
        String recent = UUID.randomUUID().toString();
        ledger.record(old, LedgerEntry.delivered("bob@example.com"));
        ledger.record(recent, LedgerEntry.delivered("bob@example.com"));
        Rows.execute(database.dataSource(), "INSERT INTO pipeline_mailbox_delivery (pipeline_id, username, mailbox_id, message_id) "
            + "VALUES ('" + old + "', 'bob@example.com', 'm', 'x'), ('" + recent + "', 'bob@example.com', 'm', 'y')");
        StorageKey withdrawn = StorageKeys.received(Instant.now());
        store.write(withdrawn, out -> out.write('x'));
        store.withdraw(withdrawn);
        Rows.execute(database.dataSource(), "UPDATE pipeline_ledger SET recorded_at = now() - interval '8 days' WHERE pipeline_id = '" + old + "'");
        Rows.execute(database.dataSource(), "UPDATE pipeline_mailbox_delivery SET delivered_at = now() - interval '8 days' "
            + "WHERE pipeline_id = '" + old + "'");
        Rows.execute(database.dataSource(), "UPDATE pipeline_withdrawn_message SET withdrawn_at = now() - interval '8 days'");

        RetentionSweeper.Swept swept = sweeper.sweep();

        assertThat(swept).isEqualTo(new RetentionSweeper.Swept(0, 1, 1, 1));
        assertThat(ledger.contains(old, LedgerEntry.delivered("bob@example.com"))).isFalse();
        assertThat(ledger.contains(recent, LedgerEntry.delivered("bob@example.com"))).isTrue();
        assertThat(Rows.count(database.dataSource(), "pipeline_mailbox_delivery")).isEqualTo(1);
    }

    private long messages() throws Exception {
        return Rows.count(database.dataSource(), "pipeline_message");
    }
}
