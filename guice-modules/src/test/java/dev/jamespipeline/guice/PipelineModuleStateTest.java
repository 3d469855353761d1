package dev.jamespipeline.guice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;

import javax.sql.DataSource;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.metrics.dropwizard.DropWizardMetricFactory;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.mailrepository.api.MailRepositoryStore;
import org.apache.james.mailrepository.memory.MailRepositoryStoreConfiguration;
import org.apache.james.mailrepository.memory.MemoryMailRepositoryStore;
import org.apache.james.mailrepository.memory.MemoryMailRepositoryUrlStore;
import org.apache.james.mailrepository.memory.SimpleMailRepositoryLoader;
import org.apache.james.server.core.JamesServerResourceLoader;
import org.apache.james.server.core.configuration.Configuration.ConfigurationPath;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.codahale.metrics.MetricRegistry;
import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.ProvisionException;

import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.FileDeliveryLedger;
import dev.jamespipeline.core.retention.RetentionSchedule;
import dev.jamespipeline.core.runtime.BackgroundTasks;
import dev.jamespipeline.core.store.FileMessageStore;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.mailbox.postgres.MessageAppendHook;
import dev.jamespipeline.state.PipelineAppendHook;
import dev.jamespipeline.state.PostgresDeliveryLedger;
import dev.jamespipeline.state.PostgresMessageStore;
import dev.jamespipeline.state.PostgresStateTasks;
import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * The pipeline module as James loads it: a child of an injector that has what the server main binds
 * (the DataSource, the PostgreSQL mailbox's append hook), reading a real {@code conf/pipeline.properties}.
 */
class PipelineModuleStateTest {
    @TempDir
    Path jamesHome;
    private PostgresTestDatabase database;

    @BeforeEach
    void createDatabase() {
        database = PostgresTestDatabase.create(4);
    }

    @AfterEach
    void dropDatabase() {
        database.close();
    }

    @Test
    void postgresBackendsGivePostgresStateAndMigrateItsTables() throws Exception {
        Injector pipeline = pipelineInjector("ledger.backend=postgres\nstore.backend=postgres\n", true);

        assertThat(pipeline.getInstance(DeliveryLedger.class)).isInstanceOf(PostgresDeliveryLedger.class);
        assertThat(pipeline.getInstance(MessageStore.class)).isInstanceOf(PostgresMessageStore.class);
        assertThat(pipeline.getInstance(BackgroundTasks.class)).isInstanceOf(PostgresStateTasks.class);
        try (var connection = database.dataSource().getConnection();
             var tables = connection.getMetaData().getTables(null, "public", "pipeline_outbox", null)) {
            assertThat(tables.next()).isTrue();
        }
    }

    @Test
    void fileBackendsNeedNoDatabaseAndHaveTheirOwnSweeper() throws Exception {
        Injector pipeline = pipelineInjector("", false);

        assertThat(pipeline.getInstance(DeliveryLedger.class)).isInstanceOf(FileDeliveryLedger.class);
        assertThat(pipeline.getInstance(MessageStore.class)).isInstanceOf(FileMessageStore.class);
        assertThat(pipeline.getInstance(BackgroundTasks.class)).isInstanceOf(RetentionSchedule.class);
    }

    @Test
    void thePostgresLedgerWithoutThePostgresMailboxIsRefusedNamingTheKey() throws Exception {
        Injector pipeline = pipelineInjector("ledger.backend=postgres\n", false);

        assertThatThrownBy(() -> pipeline.getInstance(DeliveryLedger.class))
            .isInstanceOf(ProvisionException.class)
            .hasMessageContaining("ledger.backend='postgres' is invalid");
    }

    @Test
    void theFileLedgerWithThePostgresMailboxIsRefusedNamingTheKey() throws Exception {
        Injector pipeline = pipelineInjector("", true);

        assertThatThrownBy(() -> pipeline.getInstance(DeliveryLedger.class))
            .isInstanceOf(ProvisionException.class)
            .hasMessageContaining("ledger.backend='file' is invalid");
    }

    private Injector pipelineInjector(String stateSettings, boolean postgresMailbox) throws IOException {
        Files.createDirectories(jamesHome.resolve("conf"));
        Files.writeString(jamesHome.resolve("conf/pipeline.properties"), stateSettings
            + "envelope.signing.keys=k1:" + Base64.getEncoder().encodeToString(new byte[32]) + "\n");
        FileSystem fileSystem = new FileSystemImpl(new JamesServerResourceLoader(jamesHome.toString()));
        Injector james = Guice.createInjector(new AbstractModule() {
            @Override
            protected void configure() {
                bind(Clock.class).toInstance(Clock.systemUTC());
                bind(FileSystem.class).toInstance(fileSystem);
                bind(PropertiesProvider.class).toInstance(new PropertiesProvider(fileSystem, new ConfigurationPath("file://conf/")));
                // James's DNS service, as the memory app binds it: the outbound worker's TLS policy is built with it.
                bind(MetricFactory.class).toInstance(new DropWizardMetricFactory(new MetricRegistry()));
                bind(DNSService.class).to(DNSJavaService.class);
                // James's mail repositories, which every James binds: the quarantine keeps mail in one.
                bind(MailRepositoryStore.class).toInstance(new MemoryMailRepositoryStore(new MemoryMailRepositoryUrlStore(),
                    new SimpleMailRepositoryLoader(), MailRepositoryStoreConfiguration.forItems()));
                if (postgresMailbox) {
                    bind(DataSource.class).toInstance(database.dataSource());
                    bind(MessageAppendHook.class).to(PipelineAppendHook.class);
                }
            }
        });
        if (postgresMailbox) {
            james.getInstance(MessageAppendHook.class);
        }
        return james.createChildInjector(new PipelineModule());
    }
}
