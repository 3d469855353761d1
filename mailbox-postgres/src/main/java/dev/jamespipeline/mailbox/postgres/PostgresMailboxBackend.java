package dev.jamespipeline.mailbox.postgres;

import java.time.Clock;
import java.util.Objects;

import javax.sql.DataSource;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.Authenticator;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailbox.acl.UnionMailboxACLResolver;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.store.JVMMailboxPathLocker;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.StoreAttachmentManager;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreMessageIdManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.StoreSubscriptionManager;
import org.apache.james.mailbox.store.extractor.DefaultTextExtractor;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;

import dev.jamespipeline.mailbox.postgres.mail.PostgresModSeqProvider;
import dev.jamespipeline.mailbox.postgres.mail.PostgresUidProvider;
import dev.jamespipeline.mailbox.postgres.thread.PostgresThreadIdGuessingAlgorithm;

/**
 * The whole PostgreSQL mailbox backend built from a {@link DataSource}, without Guice: for tests
 * and tools. It wires what James's memory app wires, with these choices: searching scans the
 * mailbox ({@link SimpleMessageSearchIndex}; the server binds OpenSearch instead), quotas are off
 * (the manager does not advertise them), and the path locker is James's JVM one (node-local; see
 * {@link PostgresMailboxManager}).
 */
public final class PostgresMailboxBackend {
    private final PostgresMailboxSessionMapperFactory mapperFactory;
    private final SessionProviderImpl sessionProvider;
    private final StoreRightManager rightManager;
    private final StoreMessageIdManager messageIdManager;
    private final StoreSubscriptionManager subscriptionManager;
    private final PostgresMailboxManager mailboxManager;

    private PostgresMailboxBackend(Builder builder) {
        mapperFactory = new PostgresMailboxSessionMapperFactory(builder.dataSource,
            new PostgresUidProvider(builder.dataSource), new PostgresModSeqProvider(builder.dataSource), builder.appendHook, builder.clock);
        sessionProvider = new SessionProviderImpl(builder.authenticator, builder.authorizator);
        rightManager = new StoreRightManager(mapperFactory, new UnionMailboxACLResolver(), builder.eventBus);
        QuotaComponents quotaComponents = QuotaComponents.disabled(sessionProvider, mapperFactory);
        messageIdManager = new StoreMessageIdManager(rightManager, mapperFactory, builder.eventBus,
            quotaComponents.getQuotaManager(), quotaComponents.getQuotaRootResolver(), builder.preDeletionHooks);
        StoreAttachmentManager attachmentManager = new StoreAttachmentManager(mapperFactory, messageIdManager);
        subscriptionManager = new StoreSubscriptionManager(mapperFactory, mapperFactory, builder.eventBus);
        mailboxManager = new PostgresMailboxManager(mapperFactory,
            sessionProvider,
            new JVMMailboxPathLocker(),
            new MessageParser(),
            new PostgresMessageId.Factory(),
            builder.eventBus,
            new StoreMailboxAnnotationManager(mapperFactory, rightManager, builder.annotationCountLimit, builder.annotationSizeLimit),
            rightManager,
            quotaComponents,
            new SimpleMessageSearchIndex(mapperFactory, mapperFactory, new DefaultTextExtractor(), attachmentManager),
            builder.preDeletionHooks,
            new PostgresThreadIdGuessingAlgorithm(builder.dataSource),
            builder.clock);
    }

    /** Everything a backend cannot do without: its database, its event bus, and who may log in as whom. */
    public static Builder builder(DataSource dataSource, EventBus eventBus, Authenticator authenticator, Authorizator authorizator) {
        return new Builder(dataSource, eventBus, authenticator, authorizator);
    }

    public PostgresMailboxManager mailboxManager() {
        return mailboxManager;
    }

    public StoreSubscriptionManager subscriptionManager() {
        return subscriptionManager;
    }

    public StoreMessageIdManager messageIdManager() {
        return messageIdManager;
    }

    public StoreRightManager rightManager() {
        return rightManager;
    }

    public PostgresMailboxSessionMapperFactory mapperFactory() {
        return mapperFactory;
    }

    public SessionProviderImpl sessionProvider() {
        return sessionProvider;
    }

    public static final class Builder {
        private final DataSource dataSource;
        private final EventBus eventBus;
        private final Authenticator authenticator;
        private final Authorizator authorizator;
        private MessageAppendHook appendHook = MessageAppendHook.NONE;
        private PreDeletionHooks preDeletionHooks = PreDeletionHooks.NO_PRE_DELETION_HOOK;
        private int annotationCountLimit = MailboxConstants.DEFAULT_LIMIT_ANNOTATIONS_ON_MAILBOX;
        private int annotationSizeLimit = MailboxConstants.DEFAULT_LIMIT_ANNOTATION_SIZE;
        private Clock clock = Clock.systemUTC();

        private Builder(DataSource dataSource, EventBus eventBus, Authenticator authenticator, Authorizator authorizator) {
            this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
            this.eventBus = Objects.requireNonNull(eventBus, "eventBus");
            this.authenticator = Objects.requireNonNull(authenticator, "authenticator");
            this.authorizator = Objects.requireNonNull(authorizator, "authorizator");
        }

        /** Runs in the transaction that adds each message to a mailbox. */
        public Builder appendHook(MessageAppendHook appendHook) {
            this.appendHook = Objects.requireNonNull(appendHook, "appendHook");
            return this;
        }

        public Builder preDeletionHooks(PreDeletionHooks preDeletionHooks) {
            this.preDeletionHooks = Objects.requireNonNull(preDeletionHooks, "preDeletionHooks");
            return this;
        }

        /** How many annotations a mailbox may have, and how many bytes one may hold. */
        public Builder annotationLimits(int count, int size) {
            if (count < 1 || size < 1) {
                throw new IllegalArgumentException("annotation limits must be positive, were count=" + count + " size=" + size);
            }
            this.annotationCountLimit = count;
            this.annotationSizeLimit = size;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        public PostgresMailboxBackend build() {
            return new PostgresMailboxBackend(this);
        }
    }
}
