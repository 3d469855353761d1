package dev.jamespipeline.mailbox.postgres;

import java.time.Clock;
import java.util.EnumSet;

import javax.inject.Inject;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreMessageManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.search.MessageSearchIndex;

/**
 * James's mailbox manager over PostgreSQL, as James 3.8.1's memory manager is over the heap.
 *
 * <p>Several nodes share one database. The {@link MailboxPathLocker} James passes around only
 * serializes callers within one JVM; what holds across nodes is enforced by PostgreSQL: a mailbox
 * path is unique (a concurrent create loses with {@code MailboxExistsException}, which James
 * treats as "created concurrently"), UIDs and modseqs are allocated by atomic {@code UPDATE ...
 * RETURNING}, and flags are updated in SQL.
 *
 * <p>Quota is not advertised: the quota managers are bound elsewhere, and only a shared, persisted
 * current-quota store would make IMAP QUOTA true on several nodes.
 */
public class PostgresMailboxManager extends StoreMailboxManager {
    public static final EnumSet<MailboxCapabilities> MAILBOX_CAPABILITIES = EnumSet.of(
        MailboxCapabilities.Move,
        MailboxCapabilities.UserFlag,
        MailboxCapabilities.Namespace,
        MailboxCapabilities.Annotation,
        MailboxCapabilities.ACL);
    /** Message ids are UUIDs that serialize (see {@link PostgresMessageId}). */
    public static final EnumSet<MessageCapabilities> MESSAGE_CAPABILITIES = EnumSet.of(MessageCapabilities.UniqueID);

    private final PostgresMailboxSessionMapperFactory mapperFactory;

    @Inject
    public PostgresMailboxManager(PostgresMailboxSessionMapperFactory mapperFactory,
                                  SessionProvider sessionProvider,
                                  MailboxPathLocker locker,
                                  MessageParser messageParser,
                                  PostgresMessageId.Factory messageIdFactory,
                                  EventBus eventBus,
                                  StoreMailboxAnnotationManager annotationManager,
                                  StoreRightManager storeRightManager,
                                  QuotaComponents quotaComponents,
                                  MessageSearchIndex searchIndex,
                                  PreDeletionHooks preDeletionHooks,
                                  ThreadIdGuessingAlgorithm threadIdGuessingAlgorithm,
                                  Clock clock) {
        super(mapperFactory, sessionProvider, locker, messageParser, messageIdFactory, annotationManager, eventBus,
            storeRightManager, quotaComponents, searchIndex, MailboxManagerConfiguration.DEFAULT, preDeletionHooks,
            threadIdGuessingAlgorithm, clock);
        this.mapperFactory = mapperFactory;
    }

    @Override
    public EnumSet<MailboxCapabilities> getSupportedMailboxCapabilities() {
        return MAILBOX_CAPABILITIES;
    }

    @Override
    public EnumSet<MessageCapabilities> getSupportedMessageCapabilities() {
        return MESSAGE_CAPABILITIES;
    }

    @Override
    public PostgresMailboxSessionMapperFactory getMapperFactory() {
        return mapperFactory;
    }

    @Override
    protected StoreMessageManager createMessageManager(Mailbox mailbox, MailboxSession session) {
        return new PostgresMessageManager(mapperFactory,
            getMessageSearchIndex(),
            getEventBus(),
            getLocker(),
            mailbox,
            getQuotaComponents().getQuotaManager(),
            getQuotaComponents().getQuotaRootResolver(),
            getMessageParser(),
            getMessageIdFactory(),
            configuration.getBatchSizes(),
            getStoreRightManager(),
            getPreDeletionHooks(),
            getThreadIdGuessingAlgorithm(),
            getClock());
    }
}
