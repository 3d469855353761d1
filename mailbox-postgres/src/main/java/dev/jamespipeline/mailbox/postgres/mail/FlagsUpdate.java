package dev.jamespipeline.mailbox.postgres.mail;

import java.lang.reflect.Field;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import javax.mail.Flags;
import javax.mail.Flags.Flag;

import org.apache.james.mailbox.MessageManager.FlagsUpdateMode;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;

/**
 * A flags update (flags and mode: add, remove, replace) as SQL expressions over the current flag
 * columns, so that PostgreSQL computes the new flags of each row under the row lock: no
 * fetch-modify-write, no lost update when two clients change the flags of one message at once.
 * <p>
 * One expression shape serves the three modes: a system flag becomes {@code (old AND NOT clear) OR set};
 * user flags become {@code (replace ? {} : old) ∪ add − remove}, compared case-insensitively as IMAP
 * keywords are, sorted so that equal sets compare equal.
 */
record FlagsUpdate(Flags flags, FlagsUpdateMode mode) {
    /** The new value of each flag column, named as the column, reading the current ones. */
    static final String NEW_VALUES = IntStream.range(0, FlagColumns.SYSTEM_COLUMNS.size())
        .mapToObj(i -> "(" + FlagColumns.SYSTEM_COLUMNS.get(i) + " AND NOT ?) OR ? AS " + FlagColumns.SYSTEM_COLUMNS.get(i))
        .collect(Collectors.joining(", "))
        + ", " + FlagColumns.normalizedUserFlags(
            "CASE WHEN ? THEN '{}'::text[] ELSE user_flags END || ?::text[]",
            "NOT (lower(f) = ANY (SELECT lower(r) FROM unnest(?::text[]) AS r))") + " AS user_flags";

    // James passes flags updates to MessageMapper only as a FlagsUpdateCalculator, whose flags
    // and mode are private: they are read once here, so a James upgrade that renames them fails
    // at class loading, not on the first STORE.
    private static final Field PROVIDED_FLAGS = calculatorField("providedFlags");
    private static final Field MODE = calculatorField("mode");

    static FlagsUpdate of(FlagsUpdateCalculator calculator) {
        try {
            return new FlagsUpdate((Flags) PROVIDED_FLAGS.get(calculator), (FlagsUpdateMode) MODE.get(calculator));
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("Cannot read the flags update of " + calculator, e);
        }
    }

    /** Binds the parameters of {@link #NEW_VALUES}; returns the next parameter index. */
    int bind(PreparedStatement statement, int index) throws SQLException {
        for (Flag flag : FlagColumns.SYSTEM_FLAGS) {
            boolean provided = flags.contains(flag);
            statement.setBoolean(index++, mode == FlagsUpdateMode.REPLACE || (mode == FlagsUpdateMode.REMOVE && provided));
            statement.setBoolean(index++, mode != FlagsUpdateMode.REMOVE && provided);
        }
        String[] userFlags = flags.getUserFlags();
        String[] none = new String[0];
        statement.setBoolean(index++, mode == FlagsUpdateMode.REPLACE);
        statement.setArray(index++, FlagColumns.textArray(statement, mode == FlagsUpdateMode.REMOVE ? none : userFlags));
        statement.setArray(index++, FlagColumns.textArray(statement, mode == FlagsUpdateMode.REMOVE ? userFlags : none));
        return index;
    }

    private static Field calculatorField(String name) {
        try {
            Field field = FlagsUpdateCalculator.class.getDeclaredField(name);
            field.setAccessible(true);
            return field;
        } catch (NoSuchFieldException e) {
            throw new ExceptionInInitializerError("James's FlagsUpdateCalculator has no field " + name + ": not James 3.8.1?");
        }
    }
}
