package dev.jamespipeline.server;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.memory.MailRepositoryStoreConfiguration;
import org.apache.james.mailrepository.memory.MemoryMailRepository;

import com.google.common.collect.ImmutableList;
import com.google.inject.AbstractModule;

import dev.jamespipeline.server.data.PostgresDataModule;

/**
 * The memory backend (trials): the mail repositories the shipped configuration names
 * ({@code postgres://var/mail/error/}...) are kept in the heap, as {@code memory://} ones are.
 */
final class MemoryTrialMailRepositoryModule extends AbstractModule {

    @Override
    protected void configure() {
        bind(MailRepositoryStoreConfiguration.Item.class)
            .toProvider(() -> new MailRepositoryStoreConfiguration.Item(
                ImmutableList.of(PostgresDataModule.MAIL_REPOSITORY_PROTOCOL, new Protocol("memory")),
                MemoryMailRepository.class.getName(),
                new BaseHierarchicalConfiguration()));
    }
}
