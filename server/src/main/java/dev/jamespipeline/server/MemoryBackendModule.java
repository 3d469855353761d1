package dev.jamespipeline.server;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.memory.MailRepositoryStoreConfiguration;
import org.apache.james.mailrepository.memory.MemoryMailRepository;

import com.google.common.collect.ImmutableList;
import com.google.inject.AbstractModule;
import com.google.inject.Scopes;

import dev.jamespipeline.server.data.PostgresDataModule;
import dev.jamespipeline.server.thread.MemoryThreadIdGuessingAlgorithm;

/**
 * What the memory backend (trials) changes in James's memory app: thread ids guessed from a table in the
 * heap, and the mail repositories the shipped configuration names ({@code postgres://var/mail/error/}...)
 * kept in the heap, as {@code memory://} ones are. Applied with {@code overrideWith}.
 */
final class MemoryBackendModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(ThreadIdGuessingAlgorithm.class).to(MemoryThreadIdGuessingAlgorithm.class).in(Scopes.SINGLETON);
        bind(MailRepositoryStoreConfiguration.Item.class)
            .toProvider(() -> new MailRepositoryStoreConfiguration.Item(
                ImmutableList.of(PostgresDataModule.MAIL_REPOSITORY_PROTOCOL, new Protocol("memory")),
                MemoryMailRepository.class.getName(),
                new BaseHierarchicalConfiguration()));
    }
}
