package dev.jamespipeline.mailbox.postgres.mail;

import java.util.UUID;

import org.apache.james.core.Username;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.model.AnnotationMapperTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;

class PostgresAnnotationMapperTest extends AnnotationMapperTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    @Override
    protected AnnotationMapper createAnnotationMapper() {
        return new PostgresAnnotationMapper(database.dataSource());
    }

    // Annotations reference their mailbox (deleted with it), so the contract's mailbox id names a real row.
    @Override
    protected MailboxId generateMailboxId() {
        return new PostgresMailboxMapper(database.dataSource())
            .create(MailboxPath.forUser(Username.of("annotated"), UUID.randomUUID().toString()), UidValidity.of(1))
            .block()
            .getMailboxId();
    }
}
