package dev.jamespipeline.server.mailbox;

import static org.apache.james.modules.Names.MAILBOXMANAGER_NAME;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.apache.james.adapter.mailbox.ACLUsernameChangeTaskStep;
import org.apache.james.adapter.mailbox.DelegationStoreAuthorizator;
import org.apache.james.adapter.mailbox.MailboxUsernameChangeTaskStep;
import org.apache.james.adapter.mailbox.QuotaUsernameChangeTaskStep;
import org.apache.james.adapter.mailbox.UserRepositoryAuthenticator;
import org.apache.james.events.EventListener;
import org.apache.james.jmap.api.change.EmailChangeRepository;
import org.apache.james.jmap.api.change.Limit;
import org.apache.james.jmap.api.change.MailboxChangeRepository;
import org.apache.james.jmap.api.change.State;
import org.apache.james.jmap.memory.change.MemoryEmailChangeRepository;
import org.apache.james.jmap.memory.change.MemoryMailboxChangeRepository;
import org.apache.james.mailbox.AttachmentContentLoader;
import org.apache.james.mailbox.AttachmentManager;
import org.apache.james.mailbox.Authenticator;
import org.apache.james.mailbox.Authorizator;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxPathLocker;
import org.apache.james.mailbox.MessageIdManager;
import org.apache.james.mailbox.RightManager;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.extractor.TextExtractor;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.store.JVMMailboxPathLocker;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.StoreAttachmentManager;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreMessageIdManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.StoreSubscriptionManager;
import org.apache.james.mailbox.store.event.MailboxAnnotationListener;
import org.apache.james.mailbox.store.extractor.JsoupTextExtractor;
import org.apache.james.mailbox.store.mail.AttachmentMapperFactory;
import org.apache.james.mailbox.store.mail.MailboxMapperFactory;
import org.apache.james.mailbox.store.mail.MessageMapperFactory;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.apache.james.mailbox.store.user.SubscriptionMapperFactory;
import org.apache.james.modules.mailbox.DefaultEventModule;
import org.apache.james.modules.mailbox.MemoryDeadLetterModule;
import org.apache.james.user.api.UsernameChangeTaskStep;
import org.apache.james.utils.MailboxManagerDefinition;
import org.apache.james.vault.memory.metadata.MemoryDeletedMessageMetadataVault;
import org.apache.james.vault.metadata.DeletedMessageMetadataVault;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.OptionalBinder;
import com.google.inject.name.Names;

import dev.jamespipeline.mailbox.postgres.MessageAppendHook;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxManager;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxSessionMapperFactory;
import dev.jamespipeline.mailbox.postgres.PostgresMessageId;
import dev.jamespipeline.mailbox.postgres.mail.PostgresModSeqProvider;
import dev.jamespipeline.mailbox.postgres.mail.PostgresUidProvider;
import dev.jamespipeline.mailbox.postgres.thread.PostgresThreadIdGuessingAlgorithm;
import dev.jamespipeline.server.quota.PostgresQuotaModule;

/**
 * James 3.8.1's {@code MemoryMailboxModule}, binding for binding, with the mailbox in PostgreSQL
 * ({@code mailbox-postgres}) and quotas in PostgreSQL ({@link PostgresQuotaModule}). As in the memory
 * app: the in-VM event bus and dead letters, the JVM path locker, JMAP change logs and the
 * deleted-message vault's metadata in the heap. {@link MessageAppendHook} defaults to none; a module
 * may set its own with {@code OptionalBinder.newOptionalBinder(binder, MessageAppendHook.class).setBinding()}.
 */
public final class PostgresMailboxModule extends AbstractModule {

    @Override
    protected void configure() {
        install(new DefaultEventModule());
        install(new MemoryDeadLetterModule());
        install(new PostgresQuotaModule());

        bind(MessageMapperFactory.class).to(PostgresMailboxSessionMapperFactory.class);
        bind(MailboxMapperFactory.class).to(PostgresMailboxSessionMapperFactory.class);
        bind(AttachmentMapperFactory.class).to(PostgresMailboxSessionMapperFactory.class);
        bind(MailboxSessionMapperFactory.class).to(PostgresMailboxSessionMapperFactory.class);
        bind(SubscriptionMapperFactory.class).to(PostgresMailboxSessionMapperFactory.class);
        bind(ModSeqProvider.class).to(PostgresModSeqProvider.class);
        bind(UidProvider.class).to(PostgresUidProvider.class);
        bind(MailboxId.Factory.class).to(PostgresMailboxId.Factory.class);
        bind(MessageId.Factory.class).to(PostgresMessageId.Factory.class);
        bind(ThreadIdGuessingAlgorithm.class).to(PostgresThreadIdGuessingAlgorithm.class);
        bind(State.Factory.class).to(State.DefaultFactory.class);
        OptionalBinder.newOptionalBinder(binder(), MessageAppendHook.class).setDefault().toInstance(MessageAppendHook.NONE);

        bind(SubscriptionManager.class).to(StoreSubscriptionManager.class);
        bind(MailboxPathLocker.class).to(JVMMailboxPathLocker.class);
        bind(Authenticator.class).to(UserRepositoryAuthenticator.class);
        bind(Authorizator.class).to(DelegationStoreAuthorizator.class);
        bind(MailboxManager.class).to(PostgresMailboxManager.class);
        bind(StoreMailboxManager.class).to(PostgresMailboxManager.class);
        bind(MailboxChangeRepository.class).to(MemoryMailboxChangeRepository.class);
        bind(EmailChangeRepository.class).to(MemoryEmailChangeRepository.class);
        bind(MessageIdManager.class).to(StoreMessageIdManager.class);
        bind(AttachmentManager.class).to(StoreAttachmentManager.class);
        bind(SessionProvider.class).to(SessionProviderImpl.class);

        bind(MessageSearchIndex.class).to(SimpleMessageSearchIndex.class);
        bind(TextExtractor.class).to(JsoupTextExtractor.class);
        bind(RightManager.class).to(StoreRightManager.class);
        bind(AttachmentContentLoader.class).to(AttachmentManager.class);

        bind(DeletedMessageMetadataVault.class).to(MemoryDeletedMessageMetadataVault.class);

        bind(PostgresMailboxSessionMapperFactory.class).in(Scopes.SINGLETON);
        bind(PostgresModSeqProvider.class).in(Scopes.SINGLETON);
        bind(PostgresUidProvider.class).in(Scopes.SINGLETON);
        bind(PostgresMailboxId.Factory.class).in(Scopes.SINGLETON);
        bind(PostgresMessageId.Factory.class).in(Scopes.SINGLETON);
        bind(PostgresThreadIdGuessingAlgorithm.class).in(Scopes.SINGLETON);
        bind(StoreSubscriptionManager.class).in(Scopes.SINGLETON);
        bind(JVMMailboxPathLocker.class).in(Scopes.SINGLETON);
        bind(UserRepositoryAuthenticator.class).in(Scopes.SINGLETON);
        bind(DelegationStoreAuthorizator.class).in(Scopes.SINGLETON);
        bind(PostgresMailboxManager.class).in(Scopes.SINGLETON);
        bind(MemoryMailboxChangeRepository.class).in(Scopes.SINGLETON);
        bind(MemoryEmailChangeRepository.class).in(Scopes.SINGLETON);
        bind(StoreMessageIdManager.class).in(Scopes.SINGLETON);
        bind(StoreAttachmentManager.class).in(Scopes.SINGLETON);
        bind(StoreRightManager.class).in(Scopes.SINGLETON);
        bind(MemoryDeletedMessageMetadataVault.class).in(Scopes.SINGLETON);
        bind(SessionProviderImpl.class).in(Scopes.SINGLETON);

        bind(Limit.class).annotatedWith(Names.named(MemoryEmailChangeRepository.LIMIT_NAME)).toInstance(Limit.of(256));
        bind(Limit.class).annotatedWith(Names.named(MemoryMailboxChangeRepository.LIMIT_NAME)).toInstance(Limit.of(256));

        Multibinder.newSetBinder(binder(), MailboxManagerDefinition.class)
            .addBinding()
            .to(PostgresMailboxManagerDefinition.class);

        Multibinder.newSetBinder(binder(), EventListener.GroupEventListener.class)
            .addBinding()
            .to(MailboxAnnotationListener.class);

        bind(MailboxManager.class).annotatedWith(Names.named(MAILBOXMANAGER_NAME)).to(MailboxManager.class);
        bind(MailboxManagerConfiguration.class).toInstance(MailboxManagerConfiguration.DEFAULT);

        Multibinder<UsernameChangeTaskStep> usernameChangeTaskSteps = Multibinder.newSetBinder(binder(), UsernameChangeTaskStep.class);
        usernameChangeTaskSteps.addBinding().to(MailboxUsernameChangeTaskStep.class);
        usernameChangeTaskSteps.addBinding().to(ACLUsernameChangeTaskStep.class);
        usernameChangeTaskSteps.addBinding().to(QuotaUsernameChangeTaskStep.class);
    }

    @Singleton
    private static class PostgresMailboxManagerDefinition extends MailboxManagerDefinition {
        @Inject
        private PostgresMailboxManagerDefinition(PostgresMailboxManager manager) {
            super("postgres-mailboxmanager", manager);
        }
    }
}
