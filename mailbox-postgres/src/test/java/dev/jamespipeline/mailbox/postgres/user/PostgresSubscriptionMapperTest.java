package dev.jamespipeline.mailbox.postgres.user;

import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.SubscriptionMapperTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;

class PostgresSubscriptionMapperTest extends SubscriptionMapperTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    @Override
    protected SubscriptionMapper createSubscriptionMapper() {
        return new PostgresSubscriptionMapper(database.dataSource());
    }
}
