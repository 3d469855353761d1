package dev.jamespipeline.server;

import org.apache.james.GuiceJamesServer;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.data.UsersRepositoryModuleChooser;
import org.apache.james.jmap.draft.JMAPListenerModule;
import org.apache.james.modules.BlobExportMechanismModule;
import org.apache.james.modules.BlobMemoryModule;
import org.apache.james.modules.MailboxModule;
import org.apache.james.modules.MailetProcessingModule;
import org.apache.james.modules.data.MemoryDelegationStoreModule;
import org.apache.james.modules.eventstore.MemoryEventStoreModule;
import org.apache.james.modules.queue.memory.MemoryMailQueueModule;
import org.apache.james.modules.server.DKIMMailetModule;
import org.apache.james.modules.server.TaskManagerModule;
import org.apache.james.modules.vault.DeletedMessageVaultModule;

import com.google.inject.Module;
import com.google.inject.util.Modules;

import dev.jamespipeline.server.data.PostgresDataModule;
import dev.jamespipeline.server.data.PostgresUsersRepositoryModule;
import dev.jamespipeline.server.database.DatabaseModule;
import dev.jamespipeline.server.mailbox.PostgresMailboxModule;

/**
 * James 3.8.1's memory app, module by module ({@code MemoryJamesServerMain.IN_MEMORY_SERVER_MODULE} and
 * {@code createServer}), with users, domains, recipient rewrites, Sieve, mail repositories, quotas and
 * the mailboxes in PostgreSQL. Its own list rather than overrides of the memory app's, because overrides cannot remove
 * the memory modules' initialisation operations and multibound definitions.
 * Still in the heap, as in the memory app: the mail queue (the pipeline's queues are RabbitMQ's), blobs
 * of the deleted-message vault and exports, the event store (DLP rules), delegation, tasks.
 */
final class PostgresJamesServer {
    private static final Module SERVER_MODULE = Modules.combine(
        new MailetProcessingModule(),
        new MemoryDelegationStoreModule(),
        new BlobMemoryModule(),
        new DeletedMessageVaultModule(),
        new BlobExportMechanismModule(),
        new MailboxModule(),
        new DatabaseModule(),
        new PostgresDataModule(),
        new MemoryEventStoreModule(),
        new PostgresMailboxModule(),
        new MemoryMailQueueModule(),
        new TaskManagerModule());

    private PostgresJamesServer() {
    }

    static GuiceJamesServer create(MemoryJamesConfiguration configuration) {
        return GuiceJamesServer.forConfiguration(configuration)
            .combineWith(SERVER_MODULE, MemoryJamesServerMain.PROTOCOLS, MemoryJamesServerMain.JMAP,
                MemoryJamesServerMain.WEBADMIN, new DKIMMailetModule())
            .combineWith(new UsersRepositoryModuleChooser(new PostgresUsersRepositoryModule())
                .chooseModules(configuration.getUsersRepositoryImplementation()))
            .combineWith(configuration.isJmapEnabled() ? new JMAPListenerModule() : Modules.EMPTY_MODULE);
    }
}
