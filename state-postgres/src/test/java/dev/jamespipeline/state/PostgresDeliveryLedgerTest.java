package dev.jamespipeline.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.testing.PostgresTestDatabase;

class PostgresDeliveryLedgerTest {
    private static PostgresTestDatabase database;
    private static HikariDataSource secondNode;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create(10);
        PipelineStateSchema.migrate(database.dataSource());
        secondNode = OtherNode.pool(database, 10);
    }

    @AfterAll
    static void dropDatabase() {
        secondNode.close();
        database.close();
    }

    @Test
    void anEntryIsFoundByEveryNodeAndOnlyForItsEffectAndSubject() throws Exception {
        String pipelineId = UUID.randomUUID().toString();
        new PostgresDeliveryLedger(database.dataSource()).record(pipelineId, LedgerEntry.outboundQueued("Carol@Remote.example"));

        PostgresDeliveryLedger otherNode = new PostgresDeliveryLedger(secondNode);
        assertThat(otherNode.contains(pipelineId, LedgerEntry.outboundQueued("carol@remote.example"))).isTrue();
        assertThat(otherNode.contains(pipelineId, LedgerEntry.bounced("carol@remote.example"))).isFalse();
        assertThat(otherNode.contains(pipelineId, LedgerEntry.outboundQueued("dave@remote.example"))).isFalse();
        assertThat(otherNode.contains(UUID.randomUUID().toString(), LedgerEntry.outboundQueued("carol@remote.example"))).isFalse();
    }

    /** Two nodes record the same effect at once: no error, one row; a claim is decided by the first insert. */
    @Test
    void concurrentRecordsFromTwoNodesLeaveOneEntryAndOneWinner() throws Exception {
        String pipelineId = UUID.randomUUID().toString();
        int perNode = 8;
        CyclicBarrier start = new CyclicBarrier(2 * perNode);
        ExecutorService threads = Executors.newFixedThreadPool(2 * perNode);
        List<Future<Boolean>> claims = new ArrayList<>();
        for (int i = 0; i < 2 * perNode; i++) {
            HikariDataSource node = i % 2 == 0 ? (HikariDataSource) database.dataSource() : secondNode;
            claims.add(threads.submit(() -> {
                start.await();
                return Jdbc.inTransaction(node, transaction ->
                    PostgresDeliveryLedger.record(transaction, pipelineId, LedgerEntry.stageDone("route")));
            }));
        }
        int won = 0;
        for (Future<Boolean> claim : claims) {
            won += claim.get() ? 1 : 0;
        }
        threads.shutdown();

        assertThat(won).isEqualTo(1);
        assertThat(Rows.count(database.dataSource(), "pipeline_ledger WHERE pipeline_id = '" + pipelineId + "'")).isEqualTo(1);
    }
}
