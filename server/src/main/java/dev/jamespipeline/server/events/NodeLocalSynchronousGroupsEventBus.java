package dev.jamespipeline.server.events;

import java.util.Collection;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.events.Event;
import org.apache.james.events.EventBus;
import org.apache.james.events.EventBusName;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.events.InVMEventBus;
import org.apache.james.events.RabbitMQEventBus;
import org.apache.james.events.Registration;
import org.apache.james.events.RegistrationKey;
import org.reactivestreams.Publisher;

import com.google.common.collect.ImmutableSet;

import reactor.core.publisher.Mono;

/**
 * The mailbox event bus of a node among several. Every event goes to James's RabbitMQ bus: key listeners
 * (IMAP IDLE, the selected mailbox) hear it on every node, and each asynchronous group listener runs once,
 * on whichever node takes the event from the group work queue. A synchronous group listener stays on James's
 * in-VM bus instead: it runs on the node that made the change, inside the change, once, as on a single node.
 * RabbitMQ's bus has no synchronous groups (it hands every group to the work queue), and the pipeline's
 * listeners rely on them: the ledger knows of a delivery before the stage acks, and a failed announcement
 * is kept for the stage runner on the same node. Synchronous is James 3.8.1's default
 * ({@code EventListener.getExecutionMode}), so James's own group listeners stay local too; listeners.xml's
 * {@code <async>true</async>} sends one through RabbitMQ.
 */
public class NodeLocalSynchronousGroupsEventBus implements EventBus {
    private final InVMEventBus local;
    private final RabbitMQEventBus distributed;

    @Inject
    public NodeLocalSynchronousGroupsEventBus(InVMEventBus local, RabbitMQEventBus distributed) {
        this.local = local;
        this.distributed = distributed;
    }

    @Override
    public Publisher<Registration> register(EventListener.ReactiveEventListener listener, RegistrationKey key) {
        return distributed.register(listener, key);
    }

    @Override
    public Registration register(EventListener.ReactiveEventListener listener, Group group) {
        if (listener.getExecutionMode() == EventListener.ExecutionMode.SYNCHRONOUS) {
            return local.register(listener, group);
        }
        return distributed.register(listener, group);
    }

    /** The node's synchronous listeners first, in the caller's flow; then RabbitMQ, for every other listener. */
    @Override
    public Mono<Void> dispatch(Event event, Set<RegistrationKey> keys) {
        return local.dispatch(event, keys).then(distributed.dispatch(event, keys));
    }

    @Override
    public Mono<Void> reDeliver(Group group, Event event) {
        if (local.registeredGroups().contains(group)) {
            return local.reDeliver(group, event);
        }
        return distributed.reDeliver(group, event);
    }

    @Override
    public EventBusName eventBusName() {
        return distributed.eventBusName();
    }

    @Override
    public Collection<Group> listRegisteredGroups() {
        return ImmutableSet.<Group>builder()
            .addAll(local.listRegisteredGroups())
            .addAll(distributed.listRegisteredGroups())
            .build();
    }
}
