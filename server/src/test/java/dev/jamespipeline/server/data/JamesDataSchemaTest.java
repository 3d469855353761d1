package dev.jamespipeline.server.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.mailbox.postgres.MailboxSchema;
import dev.jamespipeline.testing.PostgresTestDatabase;

/** Several nodes starting at once on an empty database: each migration runs once, in either order. */
class JamesDataSchemaTest {
    private PostgresTestDatabase database;

    @BeforeEach
    void createDatabase() {
        database = PostgresTestDatabase.create(16);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void fourNodesMigratingDataAndMailboxAtOnceLeaveEachVersionAppliedOnce() throws Exception {
        ExecutorService nodes = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> startups = new ArrayList<>();
            for (int node = 0; node < 4; node++) {
                boolean mailboxFirst = node % 2 == 0;
                startups.add(nodes.submit(() -> {
                    if (mailboxFirst) {
                        MailboxSchema.migrate(database.dataSource());
                    }
                    JamesDataSchema.migrate(database.dataSource());
                    MailboxSchema.migrate(database.dataSource());
                }));
            }
            for (Future<?> startup : startups) {
                startup.get();
            }
        } finally {
            nodes.shutdown();
        }

        assertThat(successfulVersions(JamesDataSchema.HISTORY_TABLE)).containsExactly("1");
        assertThat(successfulVersions(MailboxSchema.HISTORY_TABLE)).doesNotHaveDuplicates().isNotEmpty();
    }

    @Test
    void theJpaEntitiesWorkOnTheMigratedSchemaWithoutOpenJpaChangingIt() throws Exception {
        JamesDataEntityManagerFactory jamesData = new JamesDataEntityManagerFactory(database.dataSource());
        try {
            jamesData.entityManagerFactory().createEntityManager().close();
        } finally {
            jamesData.close();
        }

        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet tables = statement.executeQuery(
                 "SELECT count(*) FROM information_schema.tables WHERE table_name = 'openjpa_sequence_table'")) {
            tables.next();
            assertThat(tables.getInt(1)).isZero();
        }
    }

    private List<String> successfulVersions(String historyTable) throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT version FROM " + historyTable + " WHERE success AND version <> '0'")) {
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
        }
        return versions;
    }
}
