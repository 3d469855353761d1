package dev.jamespipeline.mailbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

import javax.sql.DataSource;

import org.apache.james.core.Username;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusTestFixture;
import org.apache.james.events.InVMEventBus;
import org.apache.james.events.MemoryEventDeadLetters;
import org.apache.james.events.delivery.InVmEventDelivery;
import org.apache.james.mailbox.AttachmentContentLoader;
import org.apache.james.mailbox.Authenticator;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageIdManager;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.RightManager;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.acl.MailboxACLResolver;
import org.apache.james.mailbox.acl.UnionMailboxACLResolver;
import org.apache.james.mailbox.extractor.TextExtractor;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.QuotaRootResolver;
import org.apache.james.mailbox.store.JVMMailboxPathLocker;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.StoreAttachmentManager;
import org.apache.james.mailbox.store.StoreMessageIdManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.extractor.DefaultTextExtractor;
import org.apache.james.mailbox.store.mail.AttachmentMapperFactory;
import org.apache.james.mailbox.store.mail.MailboxMapperFactory;
import org.apache.james.mailbox.store.mail.MessageMapperFactory;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.quota.DefaultUserQuotaRootResolver;
import org.apache.james.mailbox.store.quota.NoMaxQuotaManager;
import org.apache.james.mailbox.store.quota.NoQuotaManager;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.james.mime4j.dom.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Scopes;

import dev.jamespipeline.mailbox.postgres.thread.PostgresThreadIdGuessingAlgorithm;

/**
 * The backend's classes built by Guice from their {@code @Inject} constructors, with what the
 * server has to bind around them, then used: a mailbox created and a message appended.
 */
class PostgresBackendInjectionTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    @Test
    void guiceBuildsAWorkingManagerFromTheInjectableConstructors() throws Exception {
        PostgresMailboxManager manager = Guice.createInjector(new AbstractModule() {
            @Override
            protected void configure() {
                bind(DataSource.class).toInstance(database.dataSource());
                bind(MessageAppendHook.class).toInstance(MessageAppendHook.NONE);
                bind(Clock.class).toInstance(Clock.systemUTC());
                bind(EventBus.class).toInstance(new InVMEventBus(new InVmEventDelivery(new RecordingMetricFactory()),
                    EventBusTestFixture.RETRY_BACKOFF_CONFIGURATION, new MemoryEventDeadLetters()));
                bind(Authenticator.class).toInstance((user, password) -> false);
                bind(Authorizator.class).toInstance((user, otherUser) -> Authorizator.AuthorizationState.FORBIDDEN);
                bind(PreDeletionHooks.class).toInstance(PreDeletionHooks.NO_PRE_DELETION_HOOK);

                bind(PostgresMailboxSessionMapperFactory.class).in(Scopes.SINGLETON);
                bind(MailboxSessionMapperFactory.class).to(PostgresMailboxSessionMapperFactory.class);
                bind(MailboxMapperFactory.class).to(PostgresMailboxSessionMapperFactory.class);
                bind(MessageMapperFactory.class).to(PostgresMailboxSessionMapperFactory.class);
                bind(AttachmentMapperFactory.class).to(PostgresMailboxSessionMapperFactory.class);
                bind(ThreadIdGuessingAlgorithm.class).to(PostgresThreadIdGuessingAlgorithm.class);

                bind(SessionProvider.class).to(SessionProviderImpl.class);
                bind(MailboxPathLocker.class).to(JVMMailboxPathLocker.class);
                bind(MailboxACLResolver.class).to(UnionMailboxACLResolver.class);
                bind(StoreRightManager.class).in(Scopes.SINGLETON);
                bind(RightManager.class).to(StoreRightManager.class);
                bind(MessageIdManager.class).to(StoreMessageIdManager.class);
                bind(AttachmentContentLoader.class).to(StoreAttachmentManager.class);
                bind(TextExtractor.class).to(DefaultTextExtractor.class);
                bind(MessageSearchIndex.class).to(SimpleMessageSearchIndex.class);
                bind(MaxQuotaManager.class).to(NoMaxQuotaManager.class);
                bind(QuotaManager.class).to(NoQuotaManager.class);
                bind(QuotaRootResolver.class).to(DefaultUserQuotaRootResolver.class);
            }
        }).getInstance(PostgresMailboxManager.class);

        Username alice = Username.of("alice");
        MailboxSession session = manager.createSystemSession(alice);
        MessageManager inbox = manager.getMailbox(manager.createMailbox(MailboxPath.inbox(alice), session).orElseThrow(), session);
        inbox.appendMessage(MessageManager.AppendCommand.builder()
            .build(Message.Builder.of().setSubject("injected").setBody("hello", StandardCharsets.UTF_8)), session);

        assertThat(inbox.getMessageCount(session)).isEqualTo(1);
    }
}
