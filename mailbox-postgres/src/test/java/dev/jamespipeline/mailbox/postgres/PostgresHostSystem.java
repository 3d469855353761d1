package dev.jamespipeline.mailbox.postgres;

import javax.sql.DataSource;

import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.core.quota.QuotaSizeLimit;
import org.apache.james.events.InVMEventBus;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.encode.main.DefaultImapEncoderFactory;
import org.apache.james.imap.main.DefaultImapDecoderFactory;
import org.apache.james.imap.processor.main.DefaultImapProcessorFactory;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.mpt.api.ImapFeatures;
import org.apache.james.mpt.api.ImapFeatures.Feature;
import org.apache.james.mpt.host.JamesImapHostSystem;

/**
 * James's IMAP processor over our PostgreSQL mailbox manager, for James's IMAP protocol scripts
 * (MPT): what James's {@code InMemoryHostSystem} builds, with our backend in place of the memory one.
 * Each test gets a new manager, event bus and quota managers over the same database, which
 * {@link MailboxDatabaseExtension} empties before the test.
 */
final class PostgresHostSystem extends JamesImapHostSystem {
    private static final ImapFeatures SUPPORTED_FEATURES = ImapFeatures.of(Feature.NAMESPACE_SUPPORT,
        Feature.MOVE_SUPPORT,
        Feature.USER_FLAGS_SUPPORT,
        Feature.QUOTA_SUPPORT,
        Feature.ANNOTATION_SUPPORT,
        Feature.MOD_SEQ_SEARCH);

    private final DataSource dataSource;
    private PostgresMailboxManager mailboxManager;
    private MaxQuotaManager maxQuotaManager;

    PostgresHostSystem(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void beforeTest() throws Exception {
        start(PostgresBackendFixture.eventBus(), PostgresBackendFixture::memoryQuotas);
    }

    /** A new node over the database: its own users, manager and IMAP processor, on the given event bus. */
    void start(InVMEventBus eventBus, PostgresMailboxBackend.QuotaWiring quotas) throws Exception {
        // Builds the users repository the authenticator and authorizator below check logins against.
        super.beforeTest();
        PostgresMailboxBackend backend = PostgresMailboxBackend.builder(dataSource, eventBus, authenticator, authorizator)
            .quotas(quotas)
            .build();
        mailboxManager = backend.mailboxManager();
        QuotaComponents quotaComponents = mailboxManager.getQuotaComponents();
        maxQuotaManager = quotaComponents.getMaxQuotaManager();
        ImapProcessor processor = DefaultImapProcessorFactory.createDefaultProcessor(mailboxManager, eventBus,
            backend.subscriptionManager(), quotaComponents.getQuotaManager(), quotaComponents.getQuotaRootResolver(), new RecordingMetricFactory());
        configure(new DefaultImapDecoderFactory().buildImapDecoder(), new DefaultImapEncoderFactory().buildImapEncoder(), processor);
    }

    @Override
    protected MailboxManager getMailboxManager() {
        return mailboxManager;
    }

    @Override
    public boolean supports(Feature... features) {
        return SUPPORTED_FEATURES.supports(features);
    }

    @Override
    public void setQuotaLimits(QuotaCountLimit maxMessageQuota, QuotaSizeLimit maxStorageQuota) throws Exception {
        maxQuotaManager.setGlobalMaxMessage(maxMessageQuota);
        maxQuotaManager.setGlobalMaxStorage(maxStorageQuota);
    }

    @Override
    protected void await() {
        // Nothing to wait for: the in-VM event bus has delivered an event when the command that raised it answers.
    }
}
