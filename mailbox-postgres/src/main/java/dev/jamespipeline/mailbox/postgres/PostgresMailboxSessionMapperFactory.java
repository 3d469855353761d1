package dev.jamespipeline.mailbox.postgres;

import java.time.Clock;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.AttachmentMapper;
import org.apache.james.mailbox.store.mail.AttachmentMapperFactory;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.user.SubscriptionMapper;

import dev.jamespipeline.mailbox.postgres.mail.MessageBodyStore;
import dev.jamespipeline.mailbox.postgres.mail.MessageDao;
import dev.jamespipeline.mailbox.postgres.mail.PostgresAnnotationMapper;
import dev.jamespipeline.mailbox.postgres.mail.PostgresAttachmentMapper;
import dev.jamespipeline.mailbox.postgres.mail.PostgresMailboxMapper;
import dev.jamespipeline.mailbox.postgres.mail.PostgresMessageIdMapper;
import dev.jamespipeline.mailbox.postgres.mail.PostgresMessageMapper;
import dev.jamespipeline.mailbox.postgres.mail.PostgresModSeqProvider;
import dev.jamespipeline.mailbox.postgres.mail.PostgresUidProvider;
import dev.jamespipeline.mailbox.postgres.user.PostgresSubscriptionMapper;

/**
 * Hands James's store the PostgreSQL mappers. The mappers keep no state of their own (every call
 * takes a pooled connection), so one of each serves all sessions, except the message mapper, which
 * James's base class ties to a session. Constructing it brings the schema up to date, so no
 * mapper ever runs against an older one.
 */
public class PostgresMailboxSessionMapperFactory extends MailboxSessionMapperFactory implements AttachmentMapperFactory {
    private final PostgresUidProvider uidProvider;
    private final PostgresModSeqProvider modSeqProvider;
    private final MessageDao messages;
    private final MessageAppendHook appendHook;
    private final Clock clock;
    private final PostgresMailboxMapper mailboxMapper;
    private final PostgresMessageIdMapper messageIdMapper;
    private final PostgresSubscriptionMapper subscriptionMapper;
    private final PostgresAnnotationMapper annotationMapper;
    private final PostgresAttachmentMapper attachmentMapper;

    @Inject
    public PostgresMailboxSessionMapperFactory(DataSource dataSource, PostgresUidProvider uidProvider, PostgresModSeqProvider modSeqProvider,
                                               MessageAppendHook appendHook, Clock clock) {
        MailboxSchema.migrate(dataSource);
        this.uidProvider = uidProvider;
        this.modSeqProvider = modSeqProvider;
        this.appendHook = appendHook;
        this.clock = clock;
        this.messages = new MessageDao(dataSource, new MessageBodyStore(dataSource));
        this.mailboxMapper = new PostgresMailboxMapper(dataSource);
        this.messageIdMapper = new PostgresMessageIdMapper(mailboxMapper, messages, clock, appendHook);
        this.subscriptionMapper = new PostgresSubscriptionMapper(dataSource);
        this.annotationMapper = new PostgresAnnotationMapper(dataSource);
        this.attachmentMapper = new PostgresAttachmentMapper(dataSource);
    }

    @Override
    public MailboxMapper createMailboxMapper(MailboxSession session) {
        return mailboxMapper;
    }

    @Override
    public MessageMapper createMessageMapper(MailboxSession session) {
        return new PostgresMessageMapper(session, uidProvider, modSeqProvider, clock, messages, appendHook);
    }

    @Override
    public MessageIdMapper createMessageIdMapper(MailboxSession session) {
        return messageIdMapper;
    }

    @Override
    public SubscriptionMapper createSubscriptionMapper(MailboxSession session) {
        return subscriptionMapper;
    }

    @Override
    public AnnotationMapper createAnnotationMapper(MailboxSession session) {
        return annotationMapper;
    }

    @Override
    public AttachmentMapper createAttachmentMapper(MailboxSession session) {
        return attachmentMapper;
    }

    @Override
    public AttachmentMapper getAttachmentMapper(MailboxSession session) {
        return attachmentMapper;
    }

    @Override
    public PostgresUidProvider getUidProvider() {
        return uidProvider;
    }

    @Override
    public PostgresModSeqProvider getModSeqProvider() {
        return modSeqProvider;
    }
}
