package dev.jamespipeline.mailbox.postgres.mail;

import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

import javax.mail.Flags;
import javax.mail.Flags.Flag;

/**
 * The flag columns of {@code message_mailbox}: one boolean per IMAP system flag, user flags
 * (keywords) as a {@code text[]} normalized by {@link #normalizedUserFlags}. {@link Flag#USER} is not stored: it is not a message flag
 * but James's marker for "user flags allowed".
 */
final class FlagColumns {
    /** The system flags, in the order of their columns in {@link #COLUMNS}. */
    static final List<Flag> SYSTEM_FLAGS = List.of(Flag.ANSWERED, Flag.DELETED, Flag.DRAFT, Flag.FLAGGED, Flag.RECENT, Flag.SEEN);
    static final List<String> SYSTEM_COLUMNS = List.of("is_answered", "is_deleted", "is_draft", "is_flagged", "is_recent", "is_seen");
    static final String COLUMNS = String.join(", ", SYSTEM_COLUMNS) + ", user_flags";
    static final int COUNT = SYSTEM_COLUMNS.size() + 1;

    private FlagColumns() {
    }

    /** The parameters that {@link #bind} fills, for the {@link #COLUMNS} of an INSERT. */
    static final String VALUES = "?, ".repeat(SYSTEM_COLUMNS.size()) + normalizedUserFlags("?::text[]", "true");

    /**
     * User flags as stored: without case-insensitive duplicates (IMAP keywords ignore case),
     * sorted, computed by PostgreSQL on every write so that one rule decides what "equal" means.
     */
    static String normalizedUserFlags(String source, String keepCondition) {
        return "ARRAY(SELECT DISTINCT ON (lower(f)) f FROM unnest(" + source + ") AS f"
            + " WHERE " + keepCondition + " ORDER BY lower(f), f)";
    }

    /** Binds the parameters of {@link #VALUES}; returns the next parameter index. */
    static int bind(PreparedStatement statement, int index, Flags flags) throws SQLException {
        for (Flag flag : SYSTEM_FLAGS) {
            statement.setBoolean(index++, flags.contains(flag));
        }
        statement.setArray(index++, textArray(statement, flags.getUserFlags()));
        return index;
    }

    /** Reads the {@link #COLUMNS}, {@code prefix} naming the columns as the query selected them. */
    static Flags read(ResultSet row, String prefix) throws SQLException {
        Flags flags = new Flags();
        for (int i = 0; i < SYSTEM_FLAGS.size(); i++) {
            if (row.getBoolean(prefix + SYSTEM_COLUMNS.get(i))) {
                flags.add(SYSTEM_FLAGS.get(i));
            }
        }
        for (String userFlag : (String[]) row.getArray(prefix + "user_flags").getArray()) {
            flags.add(userFlag);
        }
        return flags;
    }

    static Array textArray(PreparedStatement statement, String[] values) throws SQLException {
        return statement.getConnection().createArrayOf("text", values);
    }
}
