package dev.jamespipeline.mailbox.postgres.mail;

/**
 * Builds SQL LIKE patterns from user-controlled text. Every pattern built here is used with
 * {@code ESCAPE '\'}, so a mailbox named {@code 100%_done} matches itself, not {@code 100 done}.
 */
final class SqlLike {
    static final String ESCAPE_CLAUSE = " ESCAPE '\\'";

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
