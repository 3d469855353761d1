package dev.jamespipeline.mailbox.postgres;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxManagerTest;
import org.apache.james.mailbox.SubscriptionManager;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresMailboxManagerTest extends MailboxManagerTest<PostgresMailboxManager> {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private PostgresMailboxBackend backend;

    @Override
    protected PostgresMailboxManager provideMailboxManager() {
        backend = PostgresBackendFixture.backend(database.dataSource(), preDeletionHooks());
        return backend.mailboxManager();
    }

    @Override
    protected SubscriptionManager provideSubscriptionManager() {
        return backend.subscriptionManager();
    }

    @Override
    protected EventBus retrieveEventBus(PostgresMailboxManager mailboxManager) {
        return mailboxManager.getEventBus();
    }
}
