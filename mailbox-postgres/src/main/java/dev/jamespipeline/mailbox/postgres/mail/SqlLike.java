package dev.jamespipeline.mailbox.postgres.mail;

/**
 * Builds SQL LIKE patterns from user-controlled text, so a mailbox named {@code 100%_done} matches
 * itself, not {@code 100 done}. They escape with a backslash, PostgreSQL's default LIKE escape
 * character (so they also work with {@code LIKE ANY (array)}, which takes no ESCAPE clause).
 */
final class SqlLike {
    private SqlLike() {
    }

    /** The text, its {@code \}, {@code %} and {@code _} made literal. */
    static String literal(String text) {
        StringBuilder pattern = new StringBuilder(text.length() + 8);
        for (char c : text.toCharArray()) {
            if (c == '\\' || c == '%' || c == '_') {
                pattern.append('\\');
            }
            pattern.append(c);
        }
        return pattern.toString();
    }

    /** Anything that starts with the text. */
    static String startingWith(String text) {
        return literal(text) + '%';
    }

    /**
     * A coarse filter for an IMAP LIST pattern: each IMAP wildcard ({@code *} and {@code %}) becomes
     * SQL's {@code %}, everything else is literal. It matches a superset (SQL's {@code %} also
     * crosses the hierarchy delimiter); the caller filters the rows with James's own matcher.
     */
    static String imapPattern(String combinedName, char freeWildcard, char localWildcard) {
        StringBuilder pattern = new StringBuilder(combinedName.length() + 8);
        for (char c : combinedName.toCharArray()) {
            if (c == freeWildcard || c == localWildcard) {
                pattern.append('%');
            } else {
                pattern.append(literal(String.valueOf(c)));
            }
        }
        return pattern.toString();
    }
}
