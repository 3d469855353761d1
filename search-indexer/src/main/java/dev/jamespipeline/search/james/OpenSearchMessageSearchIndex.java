package dev.jamespipeline.search.james;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;

import org.apache.james.mailbox.MailboxManager.MessageCapabilities;
import org.apache.james.mailbox.MailboxManager.SearchCapabilities;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.search.index.IndexUnavailableException;
import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.index.SearchQueryTranslator;
import dev.jamespipeline.search.index.TranslatedQuery;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * IMAP SEARCH (and multi-mailbox search) answered from the OpenSearch index for every query the
 * index can answer exactly; anything else, and any search while OpenSearch is unreachable, is
 * answered by James's own scanning search. Every index search is confined to the mailbox ids
 * James passes in, which it has already checked the session may read.
 */
public class OpenSearchMessageSearchIndex implements MessageSearchIndex {
    private static final Logger LOGGER = LoggerFactory.getLogger(OpenSearchMessageSearchIndex.class);

    private final MailIndex index;
    private final SearchQueryTranslator translator;
    private final SimpleMessageSearchIndex scanning;
    private final MessageId.Factory messageIdFactory;

    @Inject
    public OpenSearchMessageSearchIndex(MailIndex index, SearchQueryTranslator translator,
                                        SimpleMessageSearchIndex scanning, MessageId.Factory messageIdFactory) {
        this.index = index;
        this.translator = translator;
        this.scanning = scanning;
        this.messageIdFactory = messageIdFactory;
    }

    @Override
    public Flux<MessageUid> search(MailboxSession session, Mailbox mailbox, SearchQuery searchQuery) throws MailboxException {
        Optional<TranslatedQuery> translated = translator.translate(searchQuery);
        if (translated.isPresent()) {
            try {
                String mailboxId = mailbox.getMailboxId().serialize();
                List<Long> undecided = index.undecidedUids(mailboxId, translated.get());
                if (undecided.isEmpty()) {
                    return Flux.fromIterable(index.searchUids(mailboxId, translated.get())).map(MessageUid::of);
                }
                return decideByScanning(session, mailbox, searchQuery, undecided)
                    .flatMap(matching -> Mono.fromCallable(() -> index.searchUids(mailboxId, translated.get().withMatchingUids(matching))))
                    .flatMapIterable(uids -> uids)
                    .map(MessageUid::of)
                    .onErrorResume(IndexUnavailableException.class, e -> {
                        LOGGER.warn("Search index unavailable, scanning mailbox {} instead: {}", mailbox.getMailboxId(), e.getMessage());
                        return scanning.search(session, mailbox, searchQuery);
                    });
            } catch (IndexUnavailableException e) {
                LOGGER.warn("Search index unavailable, scanning mailbox {} instead: {}", mailbox.getMailboxId(), e.getMessage());
            }
        }
        return scanning.search(session, mailbox, searchQuery);
    }

    @Override
    public Flux<MessageId> search(MailboxSession session, Collection<MailboxId> mailboxIds, SearchQuery searchQuery,
                                  long limit) throws MailboxException {
        Optional<TranslatedQuery> translated = translator.translate(searchQuery);
        if (translated.isPresent() && !mailboxIds.isEmpty()) {
            try {
                List<String> ids = mailboxIds.stream().map(MailboxId::serialize).collect(Collectors.toList());
                // Undecided messages would need a scan per mailbox: scan them all instead (rare: see SearchQueryTranslator).
                if (!index.anyUndecided(ids, translated.get())) {
                    return Flux.fromIterable(index.searchMessageIds(ids, translated.get(), limit))
                        .map(messageIdFactory::fromString);
                }
            } catch (IndexUnavailableException e) {
                LOGGER.warn("Search index unavailable, scanning {} mailboxes instead: {}", mailboxIds.size(), e.getMessage());
            }
        }
        return scanning.search(session, mailboxIds, searchQuery, limit);
    }

    /**
     * Which of the messages the index cannot decide (see {@link TranslatedQuery}) James's scan
     * matches: a uid criterion first in the query makes it fetch just those.
     */
    private Mono<List<Long>> decideByScanning(MailboxSession session, Mailbox mailbox, SearchQuery searchQuery,
                                              List<Long> undecided) throws MailboxException {
        SearchQuery.UidRange[] ranges = MessageRange.toRanges(undecided.stream().map(MessageUid::of).toList()).stream()
            .map(range -> new SearchQuery.UidRange(range.getUidFrom(), range.getUidTo()))
            .toArray(SearchQuery.UidRange[]::new);
        SearchQuery onlyUndecided = SearchQuery.builder()
            .andCriteria(SearchQuery.uid(ranges))
            .andCriteria(searchQuery.getCriteria())
            .addRecentMessageUids(searchQuery.getRecentMessageUids())
            .build();
        return scanning.search(session, mailbox, onlyUndecided).map(MessageUid::asLong).collectList();
    }

    @Override
    public EnumSet<SearchCapabilities> getSupportedCapabilities(EnumSet<MessageCapabilities> messageCapabilities) {
        // Whatever the index cannot answer falls back to the scanning search, so both offer the same.
        return scanning.getSupportedCapabilities(messageCapabilities);
    }
}
