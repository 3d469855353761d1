package dev.jamespipeline.mailbox.postgres;

import java.util.Optional;
import java.util.Set;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.CombinationManagerTestSystem;
import org.apache.james.mailbox.store.ThreadIdGuessingAlgorithmContract;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.MimeMessageId;
import org.apache.james.mailbox.store.mail.model.Subject;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.thread.PostgresThreadIdGuessingAlgorithm;

import reactor.core.publisher.Flux;

/** James 3.8.1's thread-id contract against the PostgreSQL algorithm, on the PostgreSQL backend. */
class PostgresThreadIdGuessingAlgorithmTest extends ThreadIdGuessingAlgorithmContract {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private PostgresMailboxBackend backend;
    private PostgresThreadIdGuessingAlgorithm algorithm;

    @Override
    protected CombinationManagerTestSystem createTestingData() {
        eventBus = PostgresBackendFixture.eventBus();
        backend = PostgresBackendFixture.backend(database.dataSource(), Set.of(), eventBus);
        messageIdFactory = new PostgresMessageId.Factory();
        return new CombinationManagerTestSystem(backend.mailboxManager(), backend.messageIdManager()) {
            @Override
            public Mailbox createMailbox(MailboxPath mailboxPath, MailboxSession session) throws MailboxException {
                backend.mailboxManager().createMailbox(mailboxPath, session);
                return backend.mailboxManager().getMailbox(mailboxPath, session).getMailboxEntity();
            }

            @Override
            public MessageManager createMessageManager(Mailbox mailbox, MailboxSession session) throws MailboxException {
                return backend.mailboxManager().getMailbox(mailbox.getMailboxId(), session);
            }
        };
    }

    @Override
    protected ThreadIdGuessingAlgorithm initThreadIdGuessingAlgorithm(CombinationManagerTestSystem testingData) {
        algorithm = new PostgresThreadIdGuessingAlgorithm(database.dataSource());
        return algorithm;
    }

    @Override
    protected MessageMapper createMessageMapper(MailboxSession mailboxSession) {
        return backend.mapperFactory().createMessageMapper(mailboxSession);
    }

    @Override
    protected MessageId initNewBasedMessageId() {
        return messageIdFactory.generate();
    }

    @Override
    protected MessageId initOtherBasedMessageId() {
        return messageIdFactory.generate();
    }

    @Override
    protected Flux<Void> saveThreadData(Username username, Set<MimeMessageId> mimeMessageIds, MessageId messageId,
                                        ThreadId threadId, Optional<Subject> baseSubject) {
        return Flux.defer(() -> {
            try {
                algorithm.remember(username, mimeMessageIds, messageId, threadId, baseSubject);
                return Flux.empty();
            } catch (Exception e) {
                return Flux.error(e);
            }
        });
    }
}
