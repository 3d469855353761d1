package dev.jamespipeline.server.events;

import java.io.FileNotFoundException;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.server.core.configuration.Configuration.ConfigurationPath;
import org.apache.james.filesystem.api.JamesDirectoriesProvider;
import org.apache.james.server.core.filesystem.FileSystemImpl;
import org.apache.james.utils.PropertiesProvider;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.config.SettingsReader;

/**
 * Which mailbox event bus this node runs, {@code mailbox.event.bus} in pipeline.properties. Read by the
 * server main before it composes the injector, because the choice decides which modules it installs.
 */
public enum MailboxEventBusChoice {
    /** James's in-VM bus: one node, the default. */
    LOCAL,
    /** James's RabbitMQ bus ({@code event-bus-distributed}), connected through conf/rabbitmq.properties: several nodes. */
    RABBITMQ;

    public static final String KEY = PipelineConfiguration.MAILBOX_KEYS + "event.bus";

    public static MailboxEventBusChoice from(Configuration pipelineProperties) {
        SettingsReader settings = new SettingsReader(pipelineProperties);
        MailboxEventBusChoice choice = settings.choice(KEY, MailboxEventBusChoice.class, LOCAL);
        settings.requireNoUnknownKeys(key -> key.startsWith(PipelineConfiguration.MAILBOX_KEYS));
        return choice;
    }

    /** From the pipeline.properties of James's configuration directory; a missing file means the default. */
    public static MailboxEventBusChoice of(ConfigurationPath configurationPath, JamesDirectoriesProvider directories) {
        try {
            return from(new PropertiesProvider(new FileSystemImpl(directories), configurationPath).getConfiguration("pipeline"));
        } catch (FileNotFoundException e) {
            return LOCAL;
        } catch (ConfigurationException e) {
            throw new IllegalStateException("pipeline.properties cannot be read: " + e.getMessage(), e);
        }
    }
}
