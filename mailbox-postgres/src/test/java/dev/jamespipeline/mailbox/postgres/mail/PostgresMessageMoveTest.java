package dev.jamespipeline.mailbox.postgres.mail;

import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.mailbox.store.mail.model.MessageMoveTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;

class PostgresMessageMoveTest extends MessageMoveTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    @Override
    protected MapperProvider createMapperProvider() {
        return new PostgresMapperProvider(database.dataSource());
    }
}
