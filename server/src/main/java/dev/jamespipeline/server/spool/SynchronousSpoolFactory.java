package dev.jamespipeline.server.spool;

import java.util.Optional;
import java.util.Set;

import javax.inject.Provider;

import org.apache.james.mailetcontainer.api.MailProcessor;
import org.apache.james.queue.api.MailQueue;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.api.MailQueueName;

/** James's queues as they are, except {@code spool}, which is a {@link SynchronousSpool} around James's own. */
final class SynchronousSpoolFactory implements MailQueueFactory<MailQueue> {
    private final MailQueueFactory<? extends MailQueue> james;
    private final Provider<MailProcessor> mailProcessor;

    SynchronousSpoolFactory(MailQueueFactory<? extends MailQueue> james, Provider<MailProcessor> mailProcessor) {
        this.james = james;
        this.mailProcessor = mailProcessor;
    }

    @Override
    public Optional<MailQueue> getQueue(MailQueueName name, PrefetchCount count) {
        return james.getQueue(name, count).map(queue -> wrapSpool(name, queue));
    }

    @Override
    public MailQueue createQueue(MailQueueName name, PrefetchCount count) {
        return wrapSpool(name, james.createQueue(name, count));
    }

    @Override
    public Set<MailQueueName> listCreatedMailQueues() {
        return james.listCreatedMailQueues();
    }

    private MailQueue wrapSpool(MailQueueName name, MailQueue queue) {
        return SPOOL.equals(name) ? new SynchronousSpool(queue, mailProcessor) : queue;
    }
}
