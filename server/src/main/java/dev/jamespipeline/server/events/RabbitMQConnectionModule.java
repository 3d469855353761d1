package dev.jamespipeline.server.events;

import java.io.FileNotFoundException;
import java.util.Set;
import java.util.function.Function;

import javax.inject.Named;
import javax.inject.Singleton;

import org.apache.commons.configuration2.Configuration;
import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.backends.rabbitmq.RabbitMQConfiguration;
import org.apache.james.backends.rabbitmq.RabbitMQHealthCheck;
import org.apache.james.backends.rabbitmq.ReactorRabbitMQChannelPool;
import org.apache.james.backends.rabbitmq.ReceiverProvider;
import org.apache.james.backends.rabbitmq.SimpleConnectionPool;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.metrics.api.MetricFactory;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

import reactor.rabbitmq.RabbitFlux;
import reactor.rabbitmq.ReceiverOptions;
import reactor.rabbitmq.Sender;

/**
 * James's own RabbitMQ connection, from James's own conf/rabbitmq.properties: the connection part of
 * upstream's {@code RabbitMQModule} (queue-rabbitmq-guice, not published for 3.8.1), without its mail queue,
 * which needs Cassandra. The pipeline's connection (amqp.uri) is a separate one, with its own recovery.
 */
public class RabbitMQConnectionModule extends AbstractModule {
    static final String FILE = "rabbitmq";

    @Override
    protected void configure() {
        bind(SimpleConnectionPool.class).in(Scopes.SINGLETON);
        Multibinder.newSetBinder(binder(), HealthCheck.class).addBinding().to(RabbitMQHealthCheck.class);
        Multibinder.newSetBinder(binder(), SimpleConnectionPool.ReconnectionHandler.class);
    }

    @ProvidesIntoSet
    InitializationOperation openConnection(SimpleConnectionPool pool, Set<SimpleConnectionPool.ReconnectionHandler> reconnectionHandlers) {
        return InitilizationOperationBuilder
            .forClass(SimpleConnectionPool.class)
            .init(() -> pool.init(reconnectionHandlers));
    }

    @Provides
    @Named(FILE)
    @Singleton
    Configuration file(PropertiesProvider propertiesProvider) throws ConfigurationException {
        try {
            return propertiesProvider.getConfiguration(FILE);
        } catch (FileNotFoundException e) {
            throw new ConfigurationException(MailboxEventBusChoice.KEY + "=rabbitmq needs conf/rabbitmq.properties "
                + "(James's RabbitMQ settings: uri, management.uri, management.user, management.password)", e);
        }
    }

    @Provides
    @Singleton
    RabbitMQConfiguration configuration(@Named(FILE) Configuration file) throws ConfigurationException {
        return parse(file, RabbitMQConfiguration::from);
    }

    @Provides
    @Singleton
    SimpleConnectionPool.Configuration connectionPoolConfiguration(@Named(FILE) Configuration file) throws ConfigurationException {
        return parse(file, SimpleConnectionPool.Configuration::from);
    }

    @Provides
    @Singleton
    ReactorRabbitMQChannelPool.Configuration channelPoolConfiguration(@Named(FILE) Configuration file) throws ConfigurationException {
        return parse(file, ReactorRabbitMQChannelPool.Configuration::from);
    }

    /** James's readers name the setting but not the file; a wrong value stops James (upstream falls back to defaults). */
    private static <T> T parse(Configuration file, Function<Configuration, T> reader) throws ConfigurationException {
        try {
            return reader.apply(file);
        } catch (RuntimeException e) {
            throw new ConfigurationException("rabbitmq.properties: " + e.getMessage(), e);
        }
    }

    @Provides
    @Singleton
    ReactorRabbitMQChannelPool channelPool(SimpleConnectionPool connectionPool, ReactorRabbitMQChannelPool.Configuration configuration,
                                           MetricFactory metricFactory) {
        ReactorRabbitMQChannelPool channelPool = new ReactorRabbitMQChannelPool(connectionPool.getResilientConnection(),
            configuration, metricFactory);
        channelPool.start();
        return channelPool;
    }

    @Provides
    @Singleton
    Sender sender(ReactorRabbitMQChannelPool channelPool) {
        return channelPool.getSender();
    }

    @Provides
    @Singleton
    ReceiverProvider receiverProvider(SimpleConnectionPool connectionPool) {
        return () -> RabbitFlux.createReceiver(new ReceiverOptions().connectionMono(connectionPool.getResilientConnection()));
    }
}
