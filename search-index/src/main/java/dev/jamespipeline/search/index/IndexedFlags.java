package dev.jamespipeline.search.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.Flags;

/**
 * How the index stores a message's flags: system flags under their IMAP names ({@code \Seen}),
 * user flags as they are. Whatever writes documents and whatever searches them must agree on it.
 */
public final class IndexedFlags {
    public static final String SEEN = "\\Seen";

    private static final Map<Flags.Flag, String> SYSTEM = Map.of(
        Flags.Flag.ANSWERED, "\\Answered",
        Flags.Flag.DELETED, "\\Deleted",
        Flags.Flag.DRAFT, "\\Draft",
        Flags.Flag.FLAGGED, "\\Flagged",
        Flags.Flag.RECENT, "\\Recent",
        Flags.Flag.SEEN, SEEN);

    private IndexedFlags() {
    }

    /** The stored name of a system flag (empty for {@link Flags.Flag#USER}, which is no flag itself). */
    public static Optional<String> name(Flags.Flag flag) {
        return Optional.ofNullable(SYSTEM.get(flag));
    }

    /** The stored names of all of these flags, system flags first. */
    public static List<String> names(Flags flags) {
        List<String> names = new ArrayList<>();
        for (Flags.Flag flag : flags.getSystemFlags()) {
            name(flag).ifPresent(names::add);
        }
        names.addAll(List.of(flags.getUserFlags()));
        return names;
    }
}
