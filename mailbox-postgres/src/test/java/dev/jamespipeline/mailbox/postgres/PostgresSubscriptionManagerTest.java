package dev.jamespipeline.mailbox.postgres;

import java.util.Set;

import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.SubscriptionManagerContract;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

class PostgresSubscriptionManagerTest implements SubscriptionManagerContract {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private SubscriptionManager subscriptionManager;

    @BeforeEach
    void setUp() {
        subscriptionManager = PostgresBackendFixture.backend(database.dataSource(), Set.of()).subscriptionManager();
    }

    @Override
    public SubscriptionManager getSubscriptionManager() {
        return subscriptionManager;
    }
}
