package dev.jamespipeline.server.events;

import static org.apache.james.events.NamingStrategy.MAILBOX_EVENT_NAMING_STRATEGY;

import org.apache.james.backends.rabbitmq.SimpleConnectionPool;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.event.json.MailboxEventSerializer;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusId;
import org.apache.james.events.EventBusReconnectionHandler;
import org.apache.james.events.EventSerializer;
import org.apache.james.events.KeyReconnectionHandler;
import org.apache.james.events.NamingStrategy;
import org.apache.james.events.RabbitMQEventBus;
import org.apache.james.events.RegistrationKey;
import org.apache.james.events.RetryBackoffConfiguration;
import org.apache.james.mailbox.events.MailboxIdRegistrationKey;
import org.apache.james.utils.InitializationOperation;
import org.apache.james.utils.InitilizationOperationBuilder;

import com.google.inject.AbstractModule;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import com.google.inject.multibindings.ProvidesIntoSet;

/**
 * Mailbox events across nodes through James 3.8.1's {@code event-bus-distributed}: the bindings of
 * upstream's {@code RabbitMQEventBusModule} (guice-distributed, not published for 3.8.1), installed as an
 * override of the memory app's {@code DefaultEventModule} as upstream's distributed app does, with the
 * bus wrapped so that synchronous group listeners stay on their node ({@link NodeLocalSynchronousGroupsEventBus}),
 * and a dead-letter health check of the mailbox bus alone ({@link MailboxEventDeadLetterQueueHealthCheck}).
 * Event dead letters stay James's in-memory ones, per node: 3.8.1 has no other implementation but Cassandra's.
 */
public class DistributedEventBusModule extends AbstractModule {

    @Override
    protected void configure() {
        install(new RabbitMQConnectionModule());

        bind(MailboxEventSerializer.class).in(Scopes.SINGLETON);
        bind(EventSerializer.class).to(MailboxEventSerializer.class);
        bind(NamingStrategy.class).toInstance(MAILBOX_EVENT_NAMING_STRATEGY);
        bind(RabbitMQEventBus.class).in(Scopes.SINGLETON);
        bind(NodeLocalSynchronousGroupsEventBus.class).in(Scopes.SINGLETON);
        bind(EventBus.class).to(NodeLocalSynchronousGroupsEventBus.class);
        Multibinder.newSetBinder(binder(), EventBus.class).addBinding().to(EventBus.class);

        Multibinder.newSetBinder(binder(), RegistrationKey.Factory.class)
            .addBinding().to(MailboxIdRegistrationKey.Factory.class);
        bind(RetryBackoffConfiguration.class).toInstance(RetryBackoffConfiguration.DEFAULT);
        // Each node's own: it names the node's key queue, and marks the events the node's synchronous key
        // listeners already had when it dispatched them.
        bind(EventBusId.class).toInstance(EventBusId.random());

        Multibinder<SimpleConnectionPool.ReconnectionHandler> reconnectionHandlers = Multibinder.newSetBinder(binder(),
            SimpleConnectionPool.ReconnectionHandler.class);
        reconnectionHandlers.addBinding().to(KeyReconnectionHandler.class);
        reconnectionHandlers.addBinding().to(EventBusReconnectionHandler.class);

        Multibinder.newSetBinder(binder(), HealthCheck.class)
            .addBinding().to(MailboxEventDeadLetterQueueHealthCheck.class);
    }

    @ProvidesIntoSet
    InitializationOperation startBus(RabbitMQEventBus bus) {
        return InitilizationOperationBuilder
            .forClass(RabbitMQEventBus.class)
            .init(bus::start);
    }
}
