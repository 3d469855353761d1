package dev.jamespipeline.server.quota;

import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.store.quota.GenericMaxQuotaManagerTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

import dev.jamespipeline.server.data.JamesDataSchema;
import dev.jamespipeline.testing.PostgresTestDatabase;

/** James's {@link GenericMaxQuotaManagerTest} against the quota limits in PostgreSQL. */
class PostgresMaxQuotaManagerTest extends GenericMaxQuotaManagerTest {
    private static PostgresTestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create();
        JamesDataSchema.migrate(database.dataSource());
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @AfterEach
    void tearDown() throws Exception {
        try (var connection = database.dataSource().getConnection(); var statement = connection.createStatement()) {
            statement.execute("TRUNCATE quota_max");
        }
    }

    @Override
    protected MaxQuotaManager provideMaxQuotaManager() {
        return new PostgresMaxQuotaManager(database.dataSource());
    }
}
