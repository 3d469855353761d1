package dev.jamespipeline.mailbox.postgres.mail;

import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.mailbox.store.mail.model.MessageIdMapperTest;
import org.apache.james.utils.UpdatableTickingClock;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;

class PostgresMessageIdMapperTest extends MessageIdMapperTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private PostgresMapperProvider provider;

    @Override
    protected MapperProvider provideMapper() {
        provider = new PostgresMapperProvider(database.dataSource());
        return provider;
    }

    @Override
    protected UpdatableTickingClock updatableTickingClock() {
        return provider.clock();
    }
}
