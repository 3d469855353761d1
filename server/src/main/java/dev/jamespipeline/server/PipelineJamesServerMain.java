package dev.jamespipeline.server;

import org.apache.james.ExtraProperties;
import org.apache.james.FakeSearchMailboxModule;
import org.apache.james.GuiceJamesServer;
import org.apache.james.JamesServerMain;
import org.apache.james.MemoryJamesConfiguration;
import org.apache.james.MemoryJamesServerMain;
import org.apache.james.modules.RunArgumentsModule;
import org.apache.james.modules.server.JMXServerModule;

import dev.jamespipeline.server.events.DistributedEventBusModule;
import dev.jamespipeline.server.events.MailboxEventBusChoice;
import dev.jamespipeline.server.mailbox.MailboxParsingModule;
import dev.jamespipeline.server.spool.SynchronousSpoolModule;

/**
 * James 3.8.1's memory app with the search index bound in the main injector: IMAP SEARCH answered
 * from OpenSearch, thread ids guessed from a table; and the spool processed on the caller's thread,
 * so mail a stage creates (bounces, forwards) is in the pipeline before the stage acks. Extension modules cannot replace core bindings
 * (James builds them into a child injector), hence a main of our own. Everything else, the
 * RabbitMQ pipeline included, is configured exactly as for {@code MemoryJamesServerMain}.
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

    /**
     * The memory app as {@code MemoryJamesServerMain.createServer} builds it, with our search, MIME parsing and
     * spool bound, and the mailbox event bus {@code mailbox.event.bus} names: in-VM, or RabbitMQ for several nodes.
     */
    public static GuiceJamesServer createServer(MemoryJamesConfiguration configuration) {
        GuiceJamesServer server = MemoryJamesServerMain.createServer(configuration)
            .combineWith(new SearchModule())
            .overrideWith(new SearchBindingsModule(), new MailboxParsingModule(), new SynchronousSpoolModule());
        return switch (MailboxEventBusChoice.of(configuration.configurationPath(), configuration.directories())) {
            case LOCAL -> server;
            case RABBITMQ -> server.overrideWith(new DistributedEventBusModule());
        };
    }
}
