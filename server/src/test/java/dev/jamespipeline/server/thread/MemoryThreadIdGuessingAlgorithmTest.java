package dev.jamespipeline.server.thread;

import java.util.Optional;
import java.util.Set;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.inmemory.InMemoryCombinationManagerTestSystem;
import org.apache.james.mailbox.inmemory.InMemoryMailboxManager;
import org.apache.james.mailbox.inmemory.InMemoryMessageId;
import org.apache.james.mailbox.inmemory.manager.InMemoryIntegrationResources;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.CombinationManagerTestSystem;
import org.apache.james.mailbox.store.ThreadIdGuessingAlgorithmContract;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.MimeMessageId;
import org.apache.james.mailbox.store.mail.model.Subject;

import reactor.core.publisher.Flux;

/** James 3.8.1's own contract for thread-id guessing, run against the lookup-table implementation. */
class MemoryThreadIdGuessingAlgorithmTest extends ThreadIdGuessingAlgorithmContract {
    private InMemoryMailboxManager mailboxManager;
    private MemoryThreadIdGuessingAlgorithm algorithm;

    @Override
    protected CombinationManagerTestSystem createTestingData() {
        InMemoryIntegrationResources resources = InMemoryIntegrationResources.defaultResources();
        mailboxManager = resources.getMailboxManager();
        eventBus = resources.getEventBus();
        messageIdFactory = resources.getMessageIdFactory();
        return new InMemoryCombinationManagerTestSystem(resources.getMailboxManager(), resources.getMessageIdManager());
    }

    @Override
    protected ThreadIdGuessingAlgorithm initThreadIdGuessingAlgorithm(CombinationManagerTestSystem testingData) {
        algorithm = new MemoryThreadIdGuessingAlgorithm(testingData.getMailboxManager());
        return algorithm;
    }

    @Override
    protected MessageMapper createMessageMapper(MailboxSession mailboxSession) {
        return mailboxManager.getMapperFactory().createMessageMapper(mailboxSession);
    }

    @Override
    protected MessageId initNewBasedMessageId() {
        return InMemoryMessageId.of(100);
    }

    @Override
    protected MessageId initOtherBasedMessageId() {
        return InMemoryMessageId.of(1000);
    }

    @Override
    protected Flux<Void> saveThreadData(Username username, Set<MimeMessageId> mimeMessageIds, MessageId messageId,
                                        ThreadId threadId, Optional<Subject> baseSubject) {
        return Flux.defer(() -> {
            algorithm.remember(username, mimeMessageIds, threadId, baseSubject);
            return Flux.empty();
        });
    }
}
