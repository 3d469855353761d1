package dev.jamespipeline.bench;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the IMAP SEARCH benchmark's INBOX holds, as its client made it: each uid with the one word of
 * its own its body carries (see {@link SearchBenchMessages#plain}) and whether it was marked
 * {@code \Seen}. The exact answer to each criterion measured is read from here, never from a server.
 * Thread-safe: the mailbox is filled over several connections at once.
 */
final class ExpectedMailbox {
    private final Map<Long, String> words = new TreeMap<>();
    private final Set<Long> seen = new TreeSet<>();

    synchronized void appended(long uid, String word) {
        if (words.put(uid, word) != null) {
            throw new IllegalStateException("the server gave uid " + uid + " twice");
        }
    }

    synchronized void markedSeen(long uid) {
        seen.add(uid);
    }

    synchronized int size() {
        return words.size();
    }

    /** UID SEARCH ALL. */
    synchronized Set<Long> all() {
        return new TreeSet<>(words.keySet());
    }

    /** UID SEARCH UNSEEN. */
    synchronized Set<Long> unseen() {
        Set<Long> unseen = new TreeSet<>(words.keySet());
        unseen.removeAll(seen);
        return unseen;
    }

    /** UID SEARCH TEXT word, for a word that is no substring of any other text of the messages. */
    synchronized Set<Long> withWord(String word) {
        return words.entrySet().stream().filter(entry -> entry.getValue().equals(word)).map(Map.Entry::getKey)
            .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The lowest uid not yet marked seen, or -1. */
    synchronized long firstUnseen() {
        return words.keySet().stream().filter(uid -> !seen.contains(uid)).findFirst().orElse(-1L);
    }
}
