package dev.jamespipeline.mailbox.postgres.mail;

import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMapperACLTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;

class PostgresMailboxMapperACLTest extends MailboxMapperACLTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    @Override
    protected MailboxMapper createMailboxMapper() {
        return new PostgresMailboxMapper(database.dataSource());
    }
}
