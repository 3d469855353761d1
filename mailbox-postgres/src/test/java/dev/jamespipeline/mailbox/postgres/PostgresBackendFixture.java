package dev.jamespipeline.mailbox.postgres;

import java.time.Instant;
import java.util.Set;

import javax.sql.DataSource;

import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusTestFixture;
import org.apache.james.events.InVMEventBus;
import org.apache.james.events.MemoryEventDeadLetters;
import org.apache.james.events.delivery.InVmEventDelivery;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.extension.PreDeletionHook;
import org.apache.james.mailbox.inmemory.quota.InMemoryCurrentQuotaManager;
import org.apache.james.mailbox.inmemory.quota.InMemoryPerUserMaxQuotaManager;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.quota.CurrentQuotaCalculator;
import org.apache.james.mailbox.store.quota.DefaultUserQuotaRootResolver;
import org.apache.james.mailbox.store.quota.ListeningCurrentQuotaUpdater;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.quota.StoreQuotaManager;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.utils.UpdatableTickingClock;

/**
 * A backend as James's own manager tests build theirs: an in-VM event bus, nobody able to log in
 * (the suites use system sessions), and the annotation limits James's memory provider uses.
 */
final class PostgresBackendFixture {
    private static final int LIMIT_ANNOTATIONS = 3;
    private static final int LIMIT_ANNOTATION_SIZE = 30;

    private PostgresBackendFixture() {
    }

    static PostgresMailboxBackend backend(DataSource dataSource, Set<PreDeletionHook> preDeletionHooks) {
        return builder(dataSource, preDeletionHooks, eventBus()).build();
    }

    static PostgresMailboxBackend backend(DataSource dataSource, Set<PreDeletionHook> preDeletionHooks, EventBus eventBus) {
        return builder(dataSource, preDeletionHooks, eventBus).build();
    }

    static InVMEventBus eventBus() {
        return new InVMEventBus(new InVmEventDelivery(new RecordingMetricFactory()), EventBusTestFixture.RETRY_BACKOFF_CONFIGURATION,
            new MemoryEventDeadLetters());
    }

    static PostgresMailboxBackend.Builder builder(DataSource dataSource, Set<PreDeletionHook> preDeletionHooks, EventBus eventBus) {
        return PostgresMailboxBackend.builder(dataSource, eventBus,
                (user, password) -> false,
                (user, otherUser) -> Authorizator.AuthorizationState.FORBIDDEN)
            .preDeletionHooks(new PreDeletionHooks(preDeletionHooks, new RecordingMetricFactory()))
            .annotationLimits(LIMIT_ANNOTATIONS, LIMIT_ANNOTATION_SIZE)
            .clock(new UpdatableTickingClock(Instant.now()));
    }

    /**
     * Quotas enforced as James's memory app wires them (its heap-held managers, counts recomputed
     * from our mappers): a stand-in on one node for the PostgreSQL quota managers the server binds.
     */
    static QuotaComponents memoryQuotas(SessionProvider sessionProvider, PostgresMailboxSessionMapperFactory mapperFactory, EventBus eventBus) {
        DefaultUserQuotaRootResolver quotaRootResolver = new DefaultUserQuotaRootResolver(sessionProvider, mapperFactory);
        InMemoryPerUserMaxQuotaManager maxQuotaManager = new InMemoryPerUserMaxQuotaManager();
        InMemoryCurrentQuotaManager currentQuotaManager = new InMemoryCurrentQuotaManager(
            new CurrentQuotaCalculator(mapperFactory, quotaRootResolver), sessionProvider);
        StoreQuotaManager quotaManager = new StoreQuotaManager(currentQuotaManager, maxQuotaManager);
        eventBus.register(new ListeningCurrentQuotaUpdater(currentQuotaManager, quotaRootResolver, eventBus, quotaManager));
        return new QuotaComponents(maxQuotaManager, quotaManager, quotaRootResolver);
    }
}
