package dev.jamespipeline.server;

import java.io.FileNotFoundException;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerMain;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.filesystem.api.FileSystem;
import org.apache.james.modules.RunArgumentsModule;
import org.apache.james.modules.server.JMXServerModule;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;

import dev.jamespipeline.server.database.DatabaseConfiguration;
import dev.jamespipeline.server.database.DatabaseConfiguration.Backend;
import dev.jamespipeline.server.mailbox.MailboxParsingModule;
import dev.jamespipeline.server.spool.SynchronousSpoolModule;

/**
 * James 3.8.1 with its state in PostgreSQL ({@link PostgresJamesServer}; {@code backend=memory} in
 * {@code conf/james-database.properties} runs the memory app instead, for trials), the search index bound
 * in the main injector (IMAP SEARCH answered from OpenSearch), and the
 * spool processed on the caller's thread, so mail a stage creates (bounces, forwards) is in the pipeline
 * before the stage acks. Extension modules cannot replace core bindings (James builds them into a child
 * injector), hence a main of our own. The RabbitMQ pipeline is configured as for {@code MemoryJamesServerMain}.
 */
public final class PipelineJamesServerMain implements JamesServerMain {

    private PipelineJamesServerMain() {
    }

    public static void main(String[] args) throws Exception {
        ExtraProperties.initialize();
        MemoryJamesConfiguration configuration = MemoryJamesConfiguration.builder()
            .useWorkingDirectoryEnvProperty()
            .build();
        GuiceJamesServer server = createServer(configuration)
            // As MemoryJamesServerMain.main: the re-indexing routes need a listening index binding.
            .combineWith(new FakeSearchMailboxModule(), new JMXServerModule())
            .overrideWith(new RunArgumentsModule(args));
        JamesServerMain.main(server);
    }

    /** James on the configured backend, with our search, MIME parsing and spool bound. */
    public static GuiceJamesServer createServer(MemoryJamesConfiguration configuration) throws ConfigurationException {
        GuiceJamesServer james = switch (backend(configuration)) {
            case POSTGRESQL -> PostgresJamesServer.create(configuration);
            case MEMORY -> MemoryJamesServerMain.createServer(configuration)
                .overrideWith(new MemoryBackendModule());
        };
        return james
            .combineWith(new SearchModule())
            .overrideWith(new SearchBindingsModule(), new MailboxParsingModule(), new SynchronousSpoolModule());
    }

    private static Backend backend(MemoryJamesConfiguration configuration) throws ConfigurationException {
        FileSystem fileSystem = new FileSystemImpl(configuration.directories());
        try {
            return DatabaseConfiguration.backend(new PropertiesProvider(fileSystem, configuration.configurationPath())
                .getConfiguration(DatabaseConfiguration.FILE));
        } catch (FileNotFoundException e) {
            throw new ConfigurationException("conf/" + DatabaseConfiguration.FILE + ".properties is missing: it names the "
                + "PostgreSQL to use (" + DatabaseConfiguration.URL + "), or " + DatabaseConfiguration.BACKEND + "=memory for a trial", e);
        }
    }
}
