package dev.jamespipeline.server.spool;

import javax.inject.Singleton;

import org.apache.james.mailetcontainer.api.MailProcessor;
import org.apache.james.queue.api.MailQueueFactory;
import org.apache.james.queue.memory.MemoryMailQueueFactory;

import com.google.inject.AbstractModule;
import com.google.inject.Provider;
import com.google.inject.Provides;

/**
 * Replaces the {@code MailQueueFactory<?>} that James's mailet context and spooler use (applied with
 * {@code overrideWith}, as an extension module cannot): its {@code spool} is a {@link SynchronousSpool}.
 * WebAdmin's queue views and every other queue keep James's memory queues.
 */
public class SynchronousSpoolModule extends AbstractModule {
    @Provides
    @Singleton
    MailQueueFactory<?> spoolProcessedOnTheCallersThread(MemoryMailQueueFactory james, Provider<MailProcessor> mailProcessor) {
        // A provider: the mail processor's mailets need the mailet context, which needs this factory.
        return new SynchronousSpoolFactory(james, mailProcessor);
    }
}
