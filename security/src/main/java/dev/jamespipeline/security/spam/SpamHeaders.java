package dev.jamespipeline.security.spam;

import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import dev.jamespipeline.mailets.HeaderFieldEdits.RawField;

/**
 * The header fields the spam stage writes: {@code X-Spam-Score}, {@code X-Spam-Status} and {@code X-Spam-Symbols},
 * and which received fields go first. Every {@code X-Spam-*} field a sender wrote is removed (clients and Sieve
 * scripts act on X-Spam-Flag, X-Spam-Status and the like: only ours may be there).
 */
public final class SpamHeaders {
    public static final String SCORE = "X-Spam-Score";
    public static final String STATUS = "X-Spam-Status";
    public static final String SYMBOLS = "X-Spam-Symbols";
    /** Bounds X-Spam-Symbols (one line, under RFC 5322's 998); the names are listed highest score first. */
    static final int MAX_SYMBOLS_CHARS = 900;
    private static final int MAX_REASON_CHARS = 200;

    private SpamHeaders() {
    }

    /** The received header fields to drop before ours are added. */
    public static Predicate<RawField> forged() {
        return field -> field.lowerCaseName().startsWith("x-spam-");
    }

    /** The fields for a scanned message, top to bottom. */
    public static List<String> scanned(SpamCheck check) {
        return List.of(
            SCORE + ": " + format(check.score()),
            STATUS + ": " + (check.isSpam() ? "Yes" : "No") + ", score=" + format(check.score())
                + " required=" + format(check.requiredScore()) + " action=" + check.action().replace(' ', '_'),
            SYMBOLS + ": " + symbols(check.symbols()));
    }

    /** The field for a message that was not scanned, and why (never a silent pass). */
    public static List<String> unchecked(String reason) {
        return List.of(STATUS + ": unchecked (" + bounded(reason) + ")");
    }

    /** The symbols' names, comma-separated, cut at whole names with ", ..." when too long. */
    static String symbols(List<String> names) {
        StringBuilder text = new StringBuilder();
        for (String name : names) {
            String next = (text.length() == 0 ? "" : ", ") + name;
            if (text.length() + next.length() > MAX_SYMBOLS_CHARS - 5) {
                return text.append(", ...").toString();
            }
            text.append(next);
        }
        return text.toString();
    }

    public static String format(double score) {
        return String.format(Locale.ROOT, "%.2f", score);
    }

    /** A reason in one short printable line (it may quote a scanner's error text). */
    private static String bounded(String reason) {
        String line = reason.replaceAll("[^\\x20-\\x7e]+", " ").replace("(", "[").replace(")", "]").trim();
        return line.length() > MAX_REASON_CHARS ? line.substring(0, MAX_REASON_CHARS) + "..." : line;
    }
}
