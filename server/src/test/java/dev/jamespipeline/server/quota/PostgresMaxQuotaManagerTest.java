package dev.jamespipeline.server.quota;

import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.store.quota.GenericMaxQuotaManagerTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.server.data.JamesDataDatabase;

/** James's {@link GenericMaxQuotaManagerTest} against the quota limits in PostgreSQL. */
class PostgresMaxQuotaManagerTest extends GenericMaxQuotaManagerTest {
    @RegisterExtension
    static final JamesDataDatabase DATABASE = new JamesDataDatabase();

    @AfterEach
    void tearDown() {
        DATABASE.truncate("quota_max");
    }

    @Override
    protected MaxQuotaManager provideMaxQuotaManager() {
        return new PostgresMaxQuotaManager(DATABASE.dataSource());
    }
}
