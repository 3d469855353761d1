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
import org.apache.james.mailbox.extension.PreDeletionHook;
import org.apache.james.mailbox.store.PreDeletionHooks;
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
        return backend(dataSource, preDeletionHooks, eventBus());
    }

    static InVMEventBus eventBus() {
        return new InVMEventBus(new InVmEventDelivery(new RecordingMetricFactory()), EventBusTestFixture.RETRY_BACKOFF_CONFIGURATION,
            new MemoryEventDeadLetters());
    }

    static PostgresMailboxBackend backend(DataSource dataSource, Set<PreDeletionHook> preDeletionHooks, EventBus eventBus) {
        RecordingMetricFactory metrics = new RecordingMetricFactory();
        return PostgresMailboxBackend.builder(dataSource, eventBus,
                (user, password) -> false,
                (user, otherUser) -> Authorizator.AuthorizationState.FORBIDDEN)
            .preDeletionHooks(new PreDeletionHooks(preDeletionHooks, metrics))
            .annotationLimits(LIMIT_ANNOTATIONS, LIMIT_ANNOTATION_SIZE)
            .clock(new UpdatableTickingClock(Instant.now()))
            .build();
    }
}
