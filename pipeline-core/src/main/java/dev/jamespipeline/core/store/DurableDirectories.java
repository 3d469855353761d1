package dev.jamespipeline.core.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Directory creation and fsync so that a new file's name survives a crash, not only its bytes. */
public final class DurableDirectories {
    private DurableDirectories() {
    }

    /** Creates {@code directory} and any missing parents below {@code root}, fsyncing each parent that changed. */
    public static void create(Path root, Path directory) throws IOException {
        if (Files.isDirectory(directory)) {
            return;
        }
        Path parent = directory.getParent();
        if (!directory.equals(root) && parent != null) {
            create(root, parent);
        }
        try {
            Files.createDirectory(directory);
            fsync(parent);
        } catch (FileAlreadyExistsException raced) {
            // another thread or node created it first: that is the outcome we wanted
        }
    }

    public static void fsync(Path directory) throws IOException {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
