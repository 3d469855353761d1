package dev.jamespipeline.core.search;

import java.util.Collection;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backlog in the heap, for James's memory backend: one node, whose mailboxes live in the same
 * heap and are lost with it.
 */
public final class InMemoryIndexBacklog implements IndexBacklog {
    /** mailbox id → uid → the recorded mod-sequences of that message. Each mailbox's map is its own lock. */
    private final Map<String, Map<Long, NavigableSet<Long>>> mailboxes = new ConcurrentHashMap<>();

    @Override
    public void record(Collection<Change> changes) {
        for (Change change : changes) {
            Map<Long, NavigableSet<Long>> uids = mailboxes.computeIfAbsent(change.mailboxId(), id -> new TreeMap<>());
            synchronized (uids) {
                uids.computeIfAbsent(change.uid(), uid -> new TreeSet<>()).add(change.modSeq());
            }
        }
    }

    @Override
    public Set<Long> pendingUids(String mailboxId) {
        Map<Long, NavigableSet<Long>> uids = mailboxes.get(mailboxId);
        if (uids == null) {
            return Set.of();
        }
        synchronized (uids) {
            return Set.copyOf(uids.keySet());
        }
    }

    @Override
    public void applied(Collection<Change> changes) {
        for (Change change : changes) {
            Map<Long, NavigableSet<Long>> uids = mailboxes.get(change.mailboxId());
            if (uids == null) {
                continue;
            }
            synchronized (uids) {
                NavigableSet<Long> modSeqs = uids.get(change.uid());
                if (modSeqs != null) {
                    modSeqs.headSet(change.modSeq(), true).clear();
                    if (modSeqs.isEmpty()) {
                        uids.remove(change.uid());
                    }
                }
            }
        }
    }

    @Override
    public void forgetMailbox(String mailboxId) {
        mailboxes.remove(mailboxId);
    }
}
