package dev.jamespipeline.mailbox.postgres.mail;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSessionUtil;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.mail.AttachmentMapper;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.utils.UpdatableTickingClock;

import dev.jamespipeline.mailbox.postgres.MessageAppendHook;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;
import dev.jamespipeline.mailbox.postgres.PostgresMessageId;

/** James's mapper test fixture over one PostgreSQL database: the real mappers and providers, no stand-ins. */
class PostgresMapperProvider implements MapperProvider {
    private final DataSource dataSource;
    private final UpdatableTickingClock clock = new UpdatableTickingClock(Instant.now());
    private final PostgresModSeqProvider modSeqProvider;
    private final PostgresUidProvider uidProvider;
    private final MessageDao messages;
    private final MessageAppendHook appendHook;
    private final AtomicLong uids = new AtomicLong();

    PostgresMapperProvider(DataSource dataSource) {
        this(dataSource, MessageBodyStore.DEFAULT_CHUNK_SIZE, MessageAppendHook.NONE);
    }

    PostgresMapperProvider(DataSource dataSource, int chunkSize, MessageAppendHook appendHook) {
        this.dataSource = dataSource;
        this.modSeqProvider = new PostgresModSeqProvider(dataSource);
        this.uidProvider = new PostgresUidProvider(dataSource);
        this.messages = new MessageDao(dataSource, new MessageBodyStore(dataSource, chunkSize));
        this.appendHook = appendHook;
    }

    UpdatableTickingClock clock() {
        return clock;
    }

    @Override
    public List<Capabilities> getSupportedCapabilities() {
        return List.of(Capabilities.MESSAGE, Capabilities.MAILBOX, Capabilities.MOVE, Capabilities.UNIQUE_MESSAGE_ID,
            Capabilities.THREAD_SAFE_FLAGS_UPDATE, Capabilities.ATTACHMENT);
    }

    @Override
    public MailboxMapper createMailboxMapper() {
        return new PostgresMailboxMapper(dataSource);
    }

    @Override
    public PostgresMessageMapper createMessageMapper() {
        return new PostgresMessageMapper(MailboxSessionUtil.create(Username.of("benwa")), uidProvider, modSeqProvider, clock,
            messages, appendHook);
    }

    @Override
    public MessageIdMapper createMessageIdMapper() {
        return new PostgresMessageIdMapper(createMailboxMapper(), messages, clock, appendHook);
    }

    @Override
    public AttachmentMapper createAttachmentMapper() {
        return new PostgresAttachmentMapper(dataSource);
    }

    @Override
    public MailboxId generateId() {
        return PostgresMailboxId.generate();
    }

    /**
     * The contract asks for a UID without naming the mailbox, and mixes these UIDs with the ones
     * the mapper allocates from 1 in the same mailboxes: these start far above them.
     */
    @Override
    public MessageUid generateMessageUid() {
        return MessageUid.of(1_000_000 + uids.incrementAndGet());
    }

    /** A modseq from the mailbox's counter; any modseq for a mailbox that does not exist, whose save must then fail. */
    @Override
    public ModSeq generateModSeq(Mailbox mailbox) throws MailboxException {
        try {
            return modSeqProvider.nextModSeq(mailbox);
        } catch (MailboxNotFoundException e) {
            return ModSeq.first();
        }
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
        return modSeqProvider.highestModSeq(mailbox);
    }

    @Override
    public boolean supportPartialAttachmentFetch() {
        return false;
    }

    @Override
    public MessageId generateMessageId() {
        return new PostgresMessageId.Factory().generate();
    }
}
