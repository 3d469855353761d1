package dev.jamespipeline.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import dev.jamespipeline.core.search.IndexBacklog;
import dev.jamespipeline.core.search.IndexBacklogContract;
import dev.jamespipeline.testing.PostgresTestDatabase;

class PostgresIndexBacklogTest extends IndexBacklogContract {
    private static PostgresTestDatabase database;
    private static HikariDataSource secondNode;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create(4);
        PipelineStateSchema.migrate(database.dataSource());
        secondNode = OtherNode.pool(database, 2);
    }

    @AfterAll
    static void dropDatabase() {
        secondNode.close();
        database.close();
    }

    @Override
    protected IndexBacklog backlog() {
        return new PostgresIndexBacklog(database.dataSource());
    }

    /** A change recorded through one node's pool is scanned by a search on another. */
    @Test
    void aChangeRecordedByOneNodeIsPendingForAnother() throws Exception {
        String mailbox = UUID.randomUUID().toString();
        backlog().record(List.of(new IndexBacklog.Change(mailbox, 4, 9)));

        assertThat(new PostgresIndexBacklog(secondNode).pendingUids(mailbox)).containsExactly(4L);
    }

    /** The append hook's row commits or rolls back with the message. */
    @Test
    void aChangeRecordedInARolledBackTransactionIsNotPending() throws Exception {
        String mailbox = UUID.randomUUID().toString();
        try (Connection transaction = database.dataSource().getConnection()) {
            transaction.setAutoCommit(false);
            PostgresIndexBacklog.record(transaction, List.of(new IndexBacklog.Change(mailbox, 1, 1)));
            transaction.rollback();
        }

        assertThat(backlog().pendingUids(mailbox)).isEmpty();
    }
}
