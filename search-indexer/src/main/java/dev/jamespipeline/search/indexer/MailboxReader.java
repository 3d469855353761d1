package dev.jamespipeline.search.indexer;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageResultIterator;

import dev.jamespipeline.search.document.MessageDocument;
import dev.jamespipeline.search.document.MessageDocumentBuilder;
import dev.jamespipeline.search.index.IndexOperation;
import dev.jamespipeline.search.index.IndexedFlags;
import dev.jamespipeline.search.document.MailboxFacts;

/**
 * Reads the current state of messages from James's mailboxes, as the indexer needs it: the indexer
 * never trusts an event's payload, it reads what is there now, so late or repeated events
 * converge on the mailbox's state.
 */
public class MailboxReader {
    private final MailboxManager mailboxManager;
    private final MailboxId.Factory mailboxIdFactory;
    private final MessageDocumentBuilder builder;

    @Inject
    public MailboxReader(MailboxManager mailboxManager, MailboxId.Factory mailboxIdFactory,
                         MessageDocumentBuilder builder) {
        this.mailboxManager = mailboxManager;
        this.mailboxIdFactory = mailboxIdFactory;
        this.builder = builder;
    }

    /** The message's document, or empty when the message or its mailbox no longer exists. */
    public Optional<MessageDocument> document(String user, String mailboxId, long uid) throws MailboxException, IOException {
        Optional<MessageResult> message = fetch(user, mailboxId, List.of(uid), FetchGroup.FULL_CONTENT).stream().findFirst();
        if (message.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream content = message.get().getFullContent().getInputStream()) {
            return Optional.of(builder.build(content, mailboxFacts(user, message.get())));
        }
    }

    /** The write that makes the index show the message as it is now: its document, or its delete once it is gone. */
    public IndexOperation indexWrite(String user, String mailboxId, long uid) throws MailboxException, IOException {
        return document(user, mailboxId, uid)
            .map(IndexOperation::upsert)
            .orElseGet(() -> IndexOperation.delete(mailboxId, uid));
    }

    /** Flags and mod-sequence of those of {@code uids} that still exist, by uid. */
    public Map<Long, FlagsState> flags(String user, String mailboxId, Collection<Long> uids) throws MailboxException {
        Map<Long, FlagsState> states = new HashMap<>();
        for (MessageResult message : fetch(user, mailboxId, uids, FetchGroup.MINIMAL)) {
            states.put(message.getUid().asLong(),
                new FlagsState(IndexedFlags.names(message.getFlags()), message.getModSeq().asLong()));
        }
        return states;
    }

    private List<MessageResult> fetch(String user, String mailboxId, Collection<Long> uids, FetchGroup fetchGroup)
            throws MailboxException {
        if (uids.isEmpty()) {
            return List.of();
        }
        MailboxSession session = mailboxManager.createSystemSession(Username.of(user));
        try {
            MessageManager mailbox = mailboxManager.getMailbox(mailboxIdFactory.fromString(mailboxId), session);
            // One read per run of consecutive uids (a flags change can name thousands), not one per uid.
            List<MessageResult> results = new ArrayList<>();
            for (MessageRange range : MessageRange.toRanges(uids.stream().map(MessageUid::of).toList())) {
                readAll(mailbox.getMessages(range, fetchGroup, session), results::add);
            }
            return results;
        } catch (MailboxNotFoundException e) {
            return List.of();
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
    }

    /**
     * Every message of James's iterator, or its failure: when a read fails, James's iterator just ends
     * and keeps the failure to itself, and a message not read must not pass for a message gone.
     */
    private static void readAll(MessageResultIterator messages, Consumer<MessageResult> consumer) throws MailboxException {
        messages.forEachRemaining(consumer);
        if (messages.getException() != null) {
            throw messages.getException();
        }
    }

    private static MailboxFacts mailboxFacts(String user, MessageResult message) {
        return new MailboxFacts(user, message.getMailboxId().serialize(), message.getUid().asLong(),
            message.getMessageId().serialize(), message.getThreadId().serialize(), message.getModSeq().asLong(),
            IndexedFlags.names(message.getFlags()), message.getInternalDate().toInstant(), message.getSize());
    }

    /** @param flags IMAP flag names; @param modSeq the message's mod-sequence they were read at */
    public record FlagsState(List<String> flags, long modSeq) {
    }
}
