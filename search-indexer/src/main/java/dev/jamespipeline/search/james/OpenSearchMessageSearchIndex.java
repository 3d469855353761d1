package dev.jamespipeline.search.james;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
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

import reactor.core.publisher.Flux;

/**
 * IMAP SEARCH (and multi-mailbox search) answered exactly, whatever the indexer's lag: from the
 * OpenSearch index for every message the {@link IndexBacklog} does not list, and by James's own
 * scanning search for the few it lists (changed since the index last showed them). The backlog is
 * read before the index is asked, and forgets a change only once searches see it, so every change
 * made before the search is found one way or the other. Queries the index cannot answer exactly,
 * and every search while OpenSearch is unreachable, are scanned whole. Every index search is
 * confined to the mailbox ids James passes in, which it has already checked the session may read.
 */
public class OpenSearchMessageSearchIndex implements MessageSearchIndex {
    private static final Logger LOGGER = LoggerFactory.getLogger(OpenSearchMessageSearchIndex.class);

    private final MailIndex index;
    private final SearchQueryTranslator translator;
    private final SimpleMessageSearchIndex scanning;
    private final IndexBacklog backlog;
    private final MessageId.Factory messageIdFactory;

    @Inject
    public OpenSearchMessageSearchIndex(MailIndex index, SearchQueryTranslator translator, SimpleMessageSearchIndex scanning,
                                        IndexBacklog backlog, MessageId.Factory messageIdFactory) {
        this.index = index;
        this.translator = translator;
        this.scanning = scanning;
        this.backlog = backlog;
        this.messageIdFactory = messageIdFactory;
    }

    @Override
    public Flux<MessageUid> search(MailboxSession session, Mailbox mailbox, SearchQuery searchQuery) throws MailboxException {
        Optional<TranslatedQuery> translated = translator.translate(searchQuery);
        Optional<Comparator<Long>> uidOrder = uidOrder(searchQuery);
        if (translated.isPresent()) {
            // The backlog before the index: a change it no longer lists is already searchable.
            Set<Long> pending = pendingUids(mailbox.getMailboxId());
            if (pending.isEmpty() || (uidOrder.isPresent() && !pending.contains(IndexBacklog.WHOLE_MAILBOX))) {
                try {
                    List<Long> indexed = index.searchUids(mailbox.getMailboxId().serialize(), translated.get());
                    if (pending.isEmpty()) {
                        return Flux.fromIterable(indexed).map(MessageUid::of);
                    }
                    return Flux.fromIterable(withBacklogScanned(session, mailbox, searchQuery, indexed, pending, uidOrder.get()))
                        .map(MessageUid::of);
                } catch (IndexUnavailableException e) {
                    LOGGER.warn("Search index unavailable, scanning mailbox {} instead: {}", mailbox.getMailboxId(), e.getMessage());
                }
            }
        }
        return scanning.search(session, mailbox, searchQuery);
    }

    /** The index's answer without the backlog's messages, plus James's answer on exactly those, in uid order. */
    private List<Long> withBacklogScanned(MailboxSession session, Mailbox mailbox, SearchQuery searchQuery, List<Long> indexed,
                                          Set<Long> pending, Comparator<Long> order) throws MailboxException {
        TreeSet<Long> uids = new TreeSet<>(order);
        indexed.stream().filter(uid -> !pending.contains(uid)).forEach(uids::add);
        SearchQuery onlyPending = SearchQuery.builder()
            // First, so that James's scan fetches only these messages (it narrows to the first uid criterion it finds).
            .andCriterion(SearchQuery.uid(ranges(pending)))
            .andCriteria(searchQuery.getCriteria())
            .sorts(searchQuery.getSorts())
            .addRecentMessageUids(searchQuery.getRecentMessageUids())
            .build();
        scanning.search(session, mailbox, onlyPending).map(MessageUid::asLong).toIterable().forEach(uids::add);
        return new ArrayList<>(uids);
    }

    /** Consecutive uids as one range each. */
    private static SearchQuery.UidRange[] ranges(Set<Long> uids) {
        List<SearchQuery.UidRange> ranges = new ArrayList<>();
        long low = -1;
        long high = -1;
        for (long uid : new TreeSet<>(uids)) {
            if (low >= 0 && uid == high + 1) {
                high = uid;
                continue;
            }
            if (low >= 0) {
                ranges.add(new SearchQuery.UidRange(MessageUid.of(low), MessageUid.of(high)));
            }
            low = uid;
            high = uid;
        }
        ranges.add(new SearchQuery.UidRange(MessageUid.of(low), MessageUid.of(high)));
        return ranges.toArray(SearchQuery.UidRange[]::new);
    }

    /**
     * The order of a query sorted by uid alone (every IMAP SEARCH), in which the index's answer and the
     * backlog's can be merged; other sorts (IMAP SORT) with a backlog are scanned whole.
     */
    private static Optional<Comparator<Long>> uidOrder(SearchQuery searchQuery) {
        List<SearchQuery.Sort> sorts = searchQuery.getSorts();
        if (sorts.isEmpty() || sorts.get(0).getSortClause() != SearchQuery.Sort.SortClause.Uid) {
            return Optional.empty();
        }
        return Optional.of(sorts.get(0).isReverse() ? Comparator.<Long>reverseOrder() : Comparator.<Long>naturalOrder());
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
        // Across mailboxes the answer is message ids, cut at a limit: with any backlog, James scans.
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
