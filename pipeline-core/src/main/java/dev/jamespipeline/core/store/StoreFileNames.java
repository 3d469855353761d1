package dev.jamespipeline.core.store;

import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;

/**
 * The names {@link FileMessageStore} gives its files besides messages. Each starts with '.', which no
 * {@link StorageKey} segment can, so none can be named by a key nor taken for a message.
 */
final class StoreFileNames {
    private static final String RELEASED = ".released";
    private static final String WITHDRAWN = ".withdrawn";
    private static final String TEMP = ".tmp";

    private StoreFileNames() {
    }

    /** Empty; its mtime is when the message was released. */
    static Path releaseMark(Path message) {
        return message.resolveSibling("." + message.getFileName() + RELEASED);
    }

    /** Empty; says the message was withdrawn at ingest. */
    static Path withdrawalMark(Path message) {
        return message.resolveSibling("." + message.getFileName() + WITHDRAWN);
    }

    /** Where a message is written before it is renamed into place; unique per write. */
    static Path temp(Path message) {
        return message.resolveSibling("." + message.getFileName() + "." + UUID.randomUUID() + TEMP);
    }

    /** The message a release mark names: its sibling, never a path outside its directory. */
    static Optional<Path> releasedMessage(Path mark) {
        String name = mark.getFileName().toString();
        if (!name.startsWith(".") || !name.endsWith(RELEASED) || name.length() <= 1 + RELEASED.length()) {
            return Optional.empty();
        }
        return Optional.of(mark.resolveSibling(name.substring(1, name.length() - RELEASED.length())));
    }

    static boolean isWithdrawalMark(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.endsWith(WITHDRAWN);
    }

    static boolean isTemp(Path file) {
        String name = file.getFileName().toString();
        return name.startsWith(".") && name.endsWith(TEMP);
    }
}
