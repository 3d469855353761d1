package dev.jamespipeline.server.thread;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.ThreadNotFoundException;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MultimailboxesSearchQuery;
import org.apache.james.mailbox.model.SearchQuery;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.MimeMessageId;
import org.apache.james.mailbox.store.mail.model.Subject;
import org.apache.james.mailbox.store.search.SearchUtil;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Thread ids guessed from a lookup table, as James's Cassandra implementation does, instead of the
 * memory app's search over every stored message on each append (quadratic as a mailbox grows, and
 * an index that lags would guess wrong). A message joins the thread of an earlier message of the
 * same user that shares a Message-ID / In-Reply-To / References value and the same base subject.
 * The table lives in memory, like the memory app's mailboxes it describes, and grows with them.
 */
public class MemoryThreadIdGuessingAlgorithm implements ThreadIdGuessingAlgorithm {
    private record Key(Username user, MimeMessageId mimeMessageId) {
    }

    private record Member(Optional<Subject> baseSubject, ThreadId threadId) {
    }

    private final MailboxManager mailboxManager;
    private final Map<Key, List<Member>> threads = new ConcurrentHashMap<>();

    @Inject
    public MemoryThreadIdGuessingAlgorithm(MailboxManager mailboxManager) {
        this.mailboxManager = mailboxManager;
    }

    @Override
    public Mono<ThreadId> guessThreadIdReactive(MessageId messageId, Optional<MimeMessageId> thisMimeMessageId,
                                                Optional<MimeMessageId> inReplyTo,
                                                Optional<List<MimeMessageId>> references, Optional<Subject> subject,
                                                MailboxSession session) {
        return Mono.fromCallable(() -> {
            Set<MimeMessageId> related = new HashSet<>();
            thisMimeMessageId.ifPresent(related::add);
            inReplyTo.ifPresent(related::add);
            references.ifPresent(related::addAll);
            Optional<Subject> baseSubject = subject.map(value -> new Subject(SearchUtil.getBaseSubject(value.getValue())));
            ThreadId threadId = find(session.getUser(), related, baseSubject)
                .orElseGet(() -> ThreadId.fromBaseMessageId(messageId));
            remember(session.getUser(), related, threadId, baseSubject);
            return threadId;
        });
    }

    private Optional<ThreadId> find(Username user, Set<MimeMessageId> related, Optional<Subject> baseSubject) {
        return related.stream()
            .flatMap(mimeMessageId -> threads.getOrDefault(new Key(user, mimeMessageId), List.of()).stream())
            .filter(member -> member.baseSubject().equals(baseSubject))
            .map(Member::threadId)
            .findFirst();
    }

    /** Records that messages referring to these ids, with this base subject, belong to {@code threadId}. */
    public void remember(Username user, Set<MimeMessageId> mimeMessageIds, ThreadId threadId, Optional<Subject> baseSubject) {
        Member member = new Member(baseSubject, threadId);
        for (MimeMessageId mimeMessageId : mimeMessageIds) {
            threads.computeIfAbsent(new Key(user, mimeMessageId), key -> new CopyOnWriteArrayList<>()).add(member);
        }
    }

    @Override
    public Flux<MessageId> getMessageIdsInThread(ThreadId threadId, MailboxSession session) {
        SearchQuery searchQuery = SearchQuery.builder()
            .andCriteria(SearchQuery.threadId(threadId))
            .sorts(new SearchQuery.Sort(SearchQuery.Sort.SortClause.Arrival, SearchQuery.Sort.Order.NATURAL))
            .build();
        return Flux.from(mailboxManager.search(MultimailboxesSearchQuery.from(searchQuery).build(), session, Integer.MAX_VALUE))
            .switchIfEmpty(Mono.error(() -> new ThreadNotFoundException(threadId)));
    }
}
