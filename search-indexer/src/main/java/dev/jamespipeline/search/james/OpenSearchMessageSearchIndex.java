package dev.jamespipeline.search.james;

import java.io.IOException;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.inject.Provider;

import org.apache.james.mailbox.MailboxManager.MessageCapabilities;
import org.apache.james.mailbox.MailboxManager.SearchCapabilities;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.search.IndexBacklog;
import dev.jamespipeline.search.index.IndexUnavailableException;
import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.index.SearchQueryTranslator;
import dev.jamespipeline.search.index.TranslatedQuery;
import dev.jamespipeline.search.indexer.IndexUpdater;

import reactor.core.publisher.Flux;

/**
 * IMAP SEARCH (and multi-mailbox search) answered from the OpenSearch index, exactly, whatever the
 * indexer's lag: a search first reads the mailbox's {@link IndexBacklog} (the messages changed since
 * the index last showed them), writes those few messages to the index as they are now, searchable at
 * once, and only then asks the index. The backlog is read before the index is asked, and forgets a
 * change only once searches see it, so every change made before the search is in the answer; the
 * cost follows the lag, not the mailbox, and every answer has the index's meaning (attachment text
 * included). Queries the index cannot answer exactly, mailboxes being re-indexed, and every search
 * while OpenSearch is unreachable or refuses a write are answered by James's own scanning search.
 * Every index search is confined to the mailbox ids James passes in, which it has already checked
 * the session may read.
 */
public class OpenSearchMessageSearchIndex implements MessageSearchIndex {
    private static final Logger LOGGER = LoggerFactory.getLogger(OpenSearchMessageSearchIndex.class);

    private final MailIndex index;
    private final SearchQueryTranslator translator;
    private final SimpleMessageSearchIndex scanning;
    private final IndexBacklog backlog;
    // A provider: the updater reads messages through the mailbox manager, which is built with this index.
    private final Provider<IndexUpdater> updater;
    private final MessageId.Factory messageIdFactory;

    @Inject
    public OpenSearchMessageSearchIndex(MailIndex index, SearchQueryTranslator translator, SimpleMessageSearchIndex scanning,
                                        IndexBacklog backlog, Provider<IndexUpdater> updater, MessageId.Factory messageIdFactory) {
        this.index = index;
        this.translator = translator;
        this.scanning = scanning;
        this.backlog = backlog;
        this.updater = updater;
        this.messageIdFactory = messageIdFactory;
    }

    @Override
    public Flux<MessageUid> search(MailboxSession session, Mailbox mailbox, SearchQuery searchQuery) throws MailboxException {
        Optional<TranslatedQuery> translated = translator.translate(searchQuery);
        if (translated.isPresent() && indexShowsAllOf(mailbox)) {
            try {
                List<Long> uids = index.searchUids(mailbox.getMailboxId().serialize(), translated.get());
                return Flux.fromIterable(uids).map(MessageUid::of);
            } catch (IndexUnavailableException e) {
                LOGGER.warn("Search index unavailable, scanning mailbox {} instead: {}", mailbox.getMailboxId(), e.getMessage());
            }
        }
        return scanning.search(session, mailbox, searchQuery);
    }

    /**
     * Brings the index up to the mailbox for the messages in its backlog.
     *
     * @return false when the index cannot be trusted for this mailbox now: it is being re-indexed, or
     *         OpenSearch did not take every write
     */
    private boolean indexShowsAllOf(Mailbox mailbox) throws MailboxException {
        String mailboxId = mailbox.getMailboxId().serialize();
        Set<Long> pending = pendingUids(mailbox.getMailboxId());
        if (pending.isEmpty()) {
            return true;
        }
        if (pending.contains(IndexBacklog.WHOLE_MAILBOX)) {
            return false;
        }
        try {
            if (updater.get().indexNow(mailbox.getUser().asString(), mailboxId, pending)) {
                return true;
            }
            LOGGER.warn("OpenSearch refused some of {} writes for mailbox {}: scanning it instead", pending.size(), mailboxId);
        } catch (IndexUnavailableException e) {
            LOGGER.warn("Search index unavailable, scanning mailbox {} instead: {}", mailboxId, e.getMessage());
        } catch (MailboxException e) {
            throw e;
        } catch (Exception e) {
            throw new MailboxException("Cannot bring the search index up to mailbox " + mailboxId + ": " + e.getMessage(), e);
        }
        return false;
    }

    private Set<Long> pendingUids(MailboxId mailboxId) throws MailboxException {
        try {
            return backlog.pendingUids(mailboxId.serialize());
        } catch (IOException e) {
            throw new MailboxException("Cannot tell which messages the search index may not show yet: " + e.getMessage(), e);
        }
    }

    @Override
    public Flux<MessageId> search(MailboxSession session, Collection<MailboxId> mailboxIds, SearchQuery searchQuery,
                                  long limit) throws MailboxException {
        Optional<TranslatedQuery> translated = translator.translate(searchQuery);
        // Across mailboxes (JMAP, not IMAP) a backlog is not indexed on the spot: James scans them all.
        if (translated.isPresent() && !mailboxIds.isEmpty() && noBacklog(mailboxIds)) {
            try {
                List<String> ids = mailboxIds.stream().map(MailboxId::serialize).collect(Collectors.toList());
                return Flux.fromIterable(index.searchMessageIds(ids, translated.get(), limit))
                    .map(messageIdFactory::fromString);
            } catch (IndexUnavailableException e) {
                LOGGER.warn("Search index unavailable, scanning {} mailboxes instead: {}", mailboxIds.size(), e.getMessage());
            }
        }
        return scanning.search(session, mailboxIds, searchQuery, limit);
    }

    private boolean noBacklog(Collection<MailboxId> mailboxIds) throws MailboxException {
        for (MailboxId mailboxId : mailboxIds) {
            if (!pendingUids(mailboxId).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public EnumSet<SearchCapabilities> getSupportedCapabilities(EnumSet<MessageCapabilities> messageCapabilities) {
        // Whatever the index cannot answer falls back to the scanning search, so both offer the same.
        return scanning.getSupportedCapabilities(messageCapabilities);
    }
}
