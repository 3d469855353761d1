package dev.jamespipeline.mailbox.postgres.mail;

import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.mail.AttachmentMapper;
import org.apache.james.mailbox.store.mail.model.AttachmentMapperTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;
import dev.jamespipeline.mailbox.postgres.PostgresMessageId;

class PostgresAttachmentMapperTest extends AttachmentMapperTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    @Override
    protected AttachmentMapper createAttachmentMapper() {
        return new PostgresAttachmentMapper(database.dataSource());
    }

    @Override
    protected MessageId generateMessageId() {
        return new PostgresMessageId.Factory().generate();
    }
}
