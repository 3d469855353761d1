package dev.jamespipeline.bench;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * IMAP SEARCH latency and exactness on one server's INBOX of MESSAGES messages (issue 11, "The cost").
 *
 * <p>The INBOX of USER is filled over IMAP APPEND ({@value #FILL_CONNECTIONS} connections), every message
 * unseen, message n holding the word {@value #SELECTIVE_WORD} when n is a multiple of 1,000 (10 messages in
 * 10,000). The client keeps what it appended ({@link ExpectedMailbox}), so each answer is checked against
 * the exact uid set, and a wrong answer is counted as wrong, not only timed. Then, for each CONDITION, on
 * one connection with the INBOX selected, TRIES of each of five commands (fewer, but at least {@value #MIN_TRIES},
 * when the three searches, or the two changes, have taken half of MAX_CONDITION_S), each timed from the command
 * to its tagged reply:
 * <ul>
 *   <li>{@code selective}: UID SEARCH TEXT {@value #SELECTIVE_WORD};</li>
 *   <li>{@code unseen}: UID SEARCH UNSEEN (every message but those marked below);</li>
 *   <li>{@code all}: UID SEARCH ALL;</li>
 *   <li>{@code after-append}: APPEND of a message with a word of its own, then at once UID SEARCH TEXT
 *       that word (only the SEARCH is timed);</li>
 *   <li>{@code after-store}: UID STORE +FLAGS.SILENT (\Seen) on the lowest unseen uid, then at once
 *       UID SEARCH UNSEEN (only the SEARCH is timed).</li>
 * </ul>
 * Before each condition it waits (at most SETTLE_S) until the first three answer exactly, so a server that
 * indexes asynchronously starts each condition caught up; the wait is reported ({@code settle_s}).
 * Conditions:
 * <ul>
 *   <li>{@code idle}: nothing else runs;</li>
 *   <li>{@code load}: SMTP delivery at full speed to LOAD_USER (another user) from {@value #LOAD_SESSIONS}
 *       sessions, 10 KB messages, started {@value #LOAD_HEAD_START_MS} ms before the first command and
 *       stopped after the last;</li>
 *   <li>{@code paused}: the server's indexer stopped (WebAdmin {@code POST /pipeline/search?action=pause}),
 *       then {@value #PAUSED_APPENDS} messages appended (one with the selective word) and
 *       {@value #PAUSED_STORES} marked seen, so the index is that far behind; the rounds; then
 *       {@code ?action=resume} and the time until the answers are exact again. A server that does not
 *       have the route is reported as such ({@code unavailable}).</li>
 * </ul>
 * Appends one result line per measurement to RESULTS ("SERVER CONDITION QUERY key=value ...") and prints it.
 *
 * <p>Usage: {@code ImapSearchBench RESULTS SERVER IMAP_PORT USER PASSWORD MESSAGES BODY_SIZE TRIES SETTLE_S
 * MAX_CONDITION_S CONDITIONS [SMTP_PORT WEBADMIN_PORT LOAD_USER]}, CONDITIONS comma-separated.
 */
public final class ImapSearchBench {
    static final String SELECTIVE_WORD = "zanzibar";
    static final List<String> QUERIES = List.of("selective", "unseen", "all", "after-append", "after-store");
    private static final int FILL_CONNECTIONS = 8;
    private static final int LOAD_SESSIONS = 20;
    private static final int LOAD_SIZE = 10240;
    private static final long LOAD_HEAD_START_MS = 5000;
    private static final int PAUSED_APPENDS = 100;
    private static final int PAUSED_STORES = 100;
    private static final int MIN_TRIES = 3;

    private final Path results;
    private final String server;
    private final int imapPort;
    private final String user;
    private final String password;
    /** For the load and paused conditions: where SMTP and WebAdmin listen, and whom the load is sent to. */
    private final int smtpPort;
    private final int webAdminPort;
    private final String loadUser;
    private final SearchBenchMessages messages;
    private final ExpectedMailbox expected = new ExpectedMailbox();
    private final AtomicLong nextNumber = new AtomicLong();
    private final long maxConditionSeconds;
    private long freshWords;

    private ImapSearchBench(String[] args) throws IOException {
        this.results = Path.of(args[0]);
        this.server = args[1];
        this.imapPort = Integer.parseInt(args[2]);
        this.user = args[3];
        this.password = args[4];
        this.messages = new SearchBenchMessages(Integer.parseInt(args[6]), 0);
        this.maxConditionSeconds = Long.parseLong(args[9]);
        this.smtpPort = args.length > 11 ? Integer.parseInt(args[11]) : -1;
        this.webAdminPort = args.length > 12 ? Integer.parseInt(args[12]) : -1;
        this.loadUser = args.length > 13 ? args[13] : null;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 11) {
            System.err.println("usage: RESULTS SERVER IMAP_PORT USER PASSWORD MESSAGES BODY_SIZE TRIES SETTLE_S MAX_CONDITION_S"
                + " CONDITIONS [SMTP_PORT WEBADMIN_PORT LOAD_USER]");
            System.exit(2);
        }
        new ImapSearchBench(args).run(Integer.parseInt(args[5]), Integer.parseInt(args[7]), Long.parseLong(args[8]),
            List.of(args[10].split(",")));
    }

    private void run(int count, int tries, long settleSeconds, List<String> conditions) throws Exception {
        try (ImapSession imap = new ImapSession(imapPort, user, password)) {
            // Selected before the fill's connections log in: stock James creates a user's INBOX at the first login,
            // and several first logins at once can race.
            imap.selectInbox();
            fill(count);
            for (String condition : conditions) {
                Map<String, String> setup = new LinkedHashMap<>();
                setup.put("settle_s", String.format("%.1f", settle(imap, settleSeconds)));
                if (!condition.equals("idle") && loadUser == null) {
                    throw new IllegalArgumentException("the condition " + condition + " needs SMTP_PORT WEBADMIN_PORT LOAD_USER");
                }
                switch (condition) {
                    case "idle" -> measure(imap, condition, tries);
                    case "load" -> underLoad(imap, tries, setup);
                    case "paused" -> indexerPaused(imap, tries, settleSeconds, setup);
                    default -> throw new IllegalArgumentException("unknown condition '" + condition + "': idle, load or paused");
                }
                report(condition + " setup", setup);
            }
        }
    }

    /** APPENDs messages 0..count-1 over several connections; reports the rate. */
    private void fill(int count) throws Exception {
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(FILL_CONNECTIONS);
        List<Future<?>> connections = new ArrayList<>();
        for (int c = 0; c < FILL_CONNECTIONS; c++) {
            connections.add(pool.submit(() -> {
                try (ImapSession imap = new ImapSession(imapPort, user, password)) {
                    for (long number = nextNumber.getAndIncrement(); number < count; number = nextNumber.getAndIncrement()) {
                        append(imap, number);
                    }
                }
                return null;
            }));
        }
        try {
            for (Future<?> connection : connections) {
                connection.get();
            }
        } finally {
            pool.shutdownNow();
        }
        nextNumber.set(count);
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, String> fill = new LinkedHashMap<>();
        fill.put("messages", String.valueOf(count));
        fill.put("seconds", String.format("%.1f", seconds));
        fill.put("append_msg_s", String.format("%.1f", count / seconds));
        report("fill", fill);
    }

    /** APPENDs message {@code number} of the series (the selective word in every 1,000th). */
    private void append(ImapSession imap, long number) throws Exception {
        String word = number % 1000 == 0 ? SELECTIVE_WORD : "";
        expected.appended(imap.append(messages.plain(user, "search bench " + number, word)), word);
    }

    /** Seconds until ALL, UNSEEN and the selective word answer exactly, polled every 500 ms (at most {@code limit}). */
    private double settle(ImapSession imap, long limitSeconds) throws Exception {
        long start = System.nanoTime();
        long deadline = start + limitSeconds * 1_000_000_000L;
        while (!exact(imap) && System.nanoTime() < deadline) {
            Thread.sleep(500);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    private boolean exact(ImapSession imap) throws IOException {
        return new TreeSet<>(imap.uidSearch("ALL")).equals(expected.all())
            && new TreeSet<>(imap.uidSearch("UNSEEN")).equals(expected.unseen())
            && new TreeSet<>(imap.uidSearch("TEXT " + SELECTIVE_WORD)).equals(expected.withWord(SELECTIVE_WORD));
    }

    private void underLoad(ImapSession imap, int tries, Map<String, String> setup) throws Exception {
        byte[] body = SmtpAcceptLoad.body(LOAD_SIZE).getBytes(StandardCharsets.US_ASCII);
        MessageLoad load = new MessageLoad(smtpPort, LOAD_SESSIONS, number -> new MessageLoad.Outgoing(loadUser,
            concat(SmtpAcceptLoad.headers(loadUser, number, SmtpAcceptLoad.messageId()), body)));
        load.start(Long.MAX_VALUE, 0);
        try {
            Thread.sleep(LOAD_HEAD_START_MS);
            measure(imap, "load", tries);
        } finally {
            load.stop();
        }
        MessageLoad.Result result = load.await();
        setup.put("load_accepted", String.valueOf(result.accepted()));
        setup.put("load_refused", String.valueOf(result.refused()));
        setup.put("load_accept_msg_s", String.format("%.1f", result.acceptedMsgPerS()));
    }

    private void indexerPaused(ImapSession imap, int tries, long settleSeconds, Map<String, String> setup) throws Exception {
        WebAdmin webAdmin = new WebAdmin(webAdminPort);
        HttpResponse<String> pause = webAdmin.post("/pipeline/search?action=pause");
        if (pause.statusCode() / 100 != 2) {
            setup.put("unavailable", "POST_/pipeline/search?action=pause_answered_" + pause.statusCode());
            return;
        }
        try {
            for (int i = 0; i < PAUSED_APPENDS; i++) {
                append(imap, nextNumber.getAndIncrement());
            }
            for (int i = 0; i < PAUSED_STORES; i++) {
                markSeen(imap);
            }
            setup.put("appended_while_paused", String.valueOf(PAUSED_APPENDS));
            setup.put("marked_seen_while_paused", String.valueOf(PAUSED_STORES));
            measure(imap, "paused", tries);
        } finally {
            HttpResponse<String> resume = webAdmin.post("/pipeline/search?action=resume");
            if (resume.statusCode() / 100 != 2) {
                throw new IOException("POST /pipeline/search?action=resume answered " + resume.statusCode() + ": " + resume.body());
            }
        }
        setup.put("exact_after_resume_s", String.format("%.1f", settle(imap, settleSeconds)));
    }

    private void markSeen(ImapSession imap) throws IOException {
        long uid = expected.firstUnseen();
        imap.markSeen(uid);
        expected.markedSeen(uid);
    }

    /**
     * TRIES rounds of the three searches of a mailbox that does not change, then TRIES rounds of the two
     * changes each searched at once (so that no change is just before a search of the first kind); the
     * commands of a round interleaved, so that a noisy second hits them alike.
     */
    private void measure(ImapSession imap, String condition, int tries) throws Exception {
        Map<String, Timings> timings = new LinkedHashMap<>();
        QUERIES.forEach(query -> timings.put(query, new Timings()));
        long halfCap = maxConditionSeconds * 1_000_000_000L / 2;
        long deadline = System.nanoTime() + halfCap;
        for (int i = 0; i < tries && (i < MIN_TRIES || System.nanoTime() < deadline); i++) {
            timings.get("selective").search(imap, "TEXT " + SELECTIVE_WORD, expected.withWord(SELECTIVE_WORD));
            timings.get("unseen").search(imap, "UNSEEN", expected.unseen());
            timings.get("all").search(imap, "ALL", expected.all());
        }
        deadline = System.nanoTime() + halfCap;
        for (int i = 0; i < tries && (i < MIN_TRIES || System.nanoTime() < deadline); i++) {
            String fresh = String.format("quokka%06d", freshWords++);
            long appended = imap.append(messages.plain(user, "fresh " + fresh, fresh));
            expected.appended(appended, fresh);
            timings.get("after-append").search(imap, "TEXT " + fresh, Set.of(appended));
            markSeen(imap);
            timings.get("after-store").search(imap, "UNSEEN", expected.unseen());
        }
        timings.forEach((query, timing) -> report(condition + " " + query, timing.summary()));
    }

    private void report(String what, Map<String, String> values) {
        StringBuilder line = new StringBuilder(server).append(' ').append(what);
        values.forEach((key, value) -> line.append(' ').append(key).append('=').append(value));
        System.out.println(line);
        try {
            Files.writeString(results, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + results, e);
        }
    }

    private static byte[] concat(byte[] head, byte[] tail) {
        byte[] whole = new byte[head.length + tail.length];
        System.arraycopy(head, 0, whole, 0, head.length);
        System.arraycopy(tail, 0, whole, head.length, tail.length);
        return whole;
    }

    /** One query's latencies in a condition, and its wrong answers. */
    private static final class Timings {
        /** Uids of a wrong answer listed in the report, at most. */
        private static final int LISTED_UIDS = 20;
        private final List<Long> micros = new ArrayList<>();
        private int wrong;
        private String firstWrong;
        private int hits;

        void search(ImapSession imap, String criteria, Set<Long> exact) throws IOException {
            long start = System.nanoTime();
            List<Long> found = imap.uidSearch(criteria);
            micros.add((System.nanoTime() - start) / 1000);
            hits = exact.size();
            Set<Long> answer = new TreeSet<>(found);
            if (!answer.equals(exact) || found.size() != answer.size()) {
                wrong++;
                Set<Long> missing = new TreeSet<>(exact);
                missing.removeAll(answer);
                Set<Long> extra = new TreeSet<>(answer);
                extra.removeAll(exact);
                String wrongAnswer = "expected_" + exact.size() + "_got_" + found.size() + "_missing_" + missing.size()
                    + uidList(missing) + "_extra_" + extra.size() + uidList(extra);
                if (firstWrong == null) {
                    firstWrong = wrongAnswer;
                }
                // What the server itself holds of those messages: tells a wrong expectation from a wrong search.
                Set<Long> differing = new TreeSet<>(missing);
                differing.addAll(extra);
                String fetched = differing.isEmpty() ? "" : String.join(" ", imap.uidFetchFlags(uidSet(differing)));
                System.out.println("wrong answer to UID SEARCH " + criteria + ": " + wrongAnswer.replace('_', ' ')
                    + "; the server's UID FETCH (FLAGS) of them: " + fetched);
            }
        }

        /** At most {@value #LISTED_UIDS} uids, as "[u1,u2,...]" (none: nothing). */
        private static String uidList(Set<Long> uids) {
            if (uids.isEmpty()) {
                return "";
            }
            return uids.stream().limit(LISTED_UIDS).map(String::valueOf)
                .collect(Collectors.joining(",", "_[", uids.size() > LISTED_UIDS ? ",...]" : "]"));
        }

        private static String uidSet(Set<Long> uids) {
            return uids.stream().limit(LISTED_UIDS).map(String::valueOf).collect(Collectors.joining(","));
        }

        Map<String, String> summary() {
            List<Long> sorted = new ArrayList<>(micros);
            Collections.sort(sorted);
            Map<String, String> summary = new LinkedHashMap<>();
            summary.put("tries", String.valueOf(sorted.size()));
            summary.put("hits", String.valueOf(hits));
            summary.put("p50_ms", String.format("%.2f", SearchLatency.rank(sorted, 0.50)));
            summary.put("p99_ms", String.format("%.2f", SearchLatency.rank(sorted, 0.99)));
            summary.put("max_ms", String.format("%.2f", sorted.get(sorted.size() - 1) / 1000.0));
            summary.put("wrong", String.valueOf(wrong));
            if (firstWrong != null) {
                summary.put("first_wrong", firstWrong);
            }
            return summary;
        }
    }
}
