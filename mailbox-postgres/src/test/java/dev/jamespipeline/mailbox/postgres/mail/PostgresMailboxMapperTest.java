package dev.jamespipeline.mailbox.postgres.mail;

import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMapperTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;

class PostgresMailboxMapperTest extends MailboxMapperTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    @Override
    protected MailboxMapper createMailboxMapper() {
        return new PostgresMailboxMapper(database.dataSource());
    }

    @Override
    protected MailboxId generateId() {
        return PostgresMailboxId.generate();
    }
}
