package dev.jamespipeline.server.quota;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.core.quota.QuotaCountUsage;
import org.apache.james.core.quota.QuotaSizeUsage;
import org.apache.james.mailbox.model.CurrentQuotas;
import org.apache.james.mailbox.model.QuotaOperation;
import org.apache.james.mailbox.quota.CurrentQuotaManager;
import org.apache.james.mailbox.store.quota.CurrentQuotaManagerContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.server.data.JamesDataSchema;
import dev.jamespipeline.testing.PostgresTestDatabase;
import reactor.core.publisher.Mono;

/** James's {@link CurrentQuotaManagerContract} against quota usage in PostgreSQL, and usage under concurrency. */
class PostgresCurrentQuotaManagerTest implements CurrentQuotaManagerContract {
    private static PostgresTestDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create(8);
        JamesDataSchema.migrate(database.dataSource());
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @AfterEach
    void tearDown() throws Exception {
        try (var connection = database.dataSource().getConnection(); var statement = connection.createStatement()) {
            statement.execute("TRUNCATE quota_current");
        }
    }

    @Override
    public CurrentQuotaManager testee() {
        return new PostgresCurrentQuotaManager(database.dataSource());
    }

    /** Two managers (as two nodes would have), 8 threads, 2,000 changes: none is lost. */
    @Test
    void concurrentIncreasesAndDecreasesAddUpExactly() throws Exception {
        List<CurrentQuotaManager> nodes = List.of(testee(), testee());
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> changes = new ArrayList<>();
            for (int i = 0; i < 2000; i++) {
                CurrentQuotaManager node = nodes.get(i % 2);
                boolean increase = i % 4 != 3;
                changes.add(threads.submit(() -> Mono.from(increase
                    ? node.increase(new QuotaOperation(QUOTA_ROOT, QuotaCountUsage.count(1), QuotaSizeUsage.size(10)))
                    : node.decrease(new QuotaOperation(QUOTA_ROOT, QuotaCountUsage.count(1), QuotaSizeUsage.size(10)))).block()));
            }
            for (Future<?> change : changes) {
                change.get();
            }
        } finally {
            threads.shutdown();
        }

        // 1,500 increases and 500 decreases.
        assertThat(Mono.from(testee().getCurrentQuotas(QUOTA_ROOT)).block())
            .isEqualTo(new CurrentQuotas(QuotaCountUsage.count(1000), QuotaSizeUsage.size(10_000)));
    }
}
