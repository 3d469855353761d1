package dev.jamespipeline.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * IMAP {@code UID SEARCH TEXT <word>} latency on one INBOX, as a client sees it: one connection,
 * the INBOX selected, then {@code SEARCHES} searches for each word, alternating, each timed from the
 * command to its tagged reply. First it waits (at most WAIT_S) until the present word finds
 * EXPECTED_HITS messages, so a server that indexes asynchronously is measured once it has caught up;
 * that wait and one warm-up search per word are not counted.
 *
 * <p>Usage: {@code SearchLatency PORT USER PASSWORD SEARCHES PRESENT_WORD EXPECTED_HITS ABSENT_WORD WAIT_S}
 */
public final class SearchLatency {
    public static void main(String[] args) throws Exception {
        int searches = Integer.parseInt(args[3]);
        String present = args[4];
        int expectedHits = Integer.parseInt(args[5]);
        String absent = args[6];
        long deadline = System.currentTimeMillis() + Long.parseLong(args[7]) * 1000;
        try (ImapSession imap = new ImapSession(Integer.parseInt(args[0]), args[1], args[2])) {
            imap.selectInbox();
            long messages = imap.inboxMessages();
            int hits = imap.uidSearch("TEXT " + present).size();
            while (hits != expectedHits && System.currentTimeMillis() < deadline) {
                Thread.sleep(500);
                hits = imap.uidSearch("TEXT " + present).size();
            }
            int absentHits = imap.uidSearch("TEXT " + absent).size();
            if (hits != expectedHits || absentHits != 0) {
                System.out.printf("wrong_results messages=%d %s_hits=%d (expected %d) %s_hits=%d (expected 0)%n",
                    messages, present, hits, expectedHits, absent, absentHits);
                System.exit(1);
            }
            List<Long> presentMicros = new ArrayList<>();
            List<Long> absentMicros = new ArrayList<>();
            for (int i = 0; i < searches; i++) {
                presentMicros.add(timed(imap, present, expectedHits));
                absentMicros.add(timed(imap, absent, 0));
            }
            System.out.printf("messages=%d searches=%d present_word=%s hits=%d %s absent_word=%s %s%n", messages, searches,
                present, hits, percentiles("present", presentMicros), absent, percentiles("absent", absentMicros));
        }
    }

    private static long timed(ImapSession imap, String word, int expectedHits) throws Exception {
        long start = System.nanoTime();
        int hits = imap.uidSearch("TEXT " + word).size();
        long micros = (System.nanoTime() - start) / 1000;
        if (hits != expectedHits) {
            throw new IllegalStateException("UID SEARCH TEXT " + word + " found " + hits + " messages, expected " + expectedHits);
        }
        return micros;
    }

    /** "NAME_p50_ms=… NAME_p99_ms=… NAME_max_ms=…" (nearest rank). */
    private static String percentiles(String name, List<Long> micros) {
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        return String.format("%s_p50_ms=%.2f %s_p99_ms=%.2f %s_max_ms=%.2f", name, rank(sorted, 0.50), name, rank(sorted, 0.99),
            name, sorted.get(sorted.size() - 1) / 1000.0);
    }

    /** The nearest-rank quantile of ascending microseconds, in milliseconds. */
    static double rank(List<Long> sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.size()) - 1;
        return sorted.get(Math.max(0, index)) / 1000.0;
    }
}
