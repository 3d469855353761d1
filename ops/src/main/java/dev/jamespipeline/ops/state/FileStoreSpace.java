package dev.jamespipeline.ops.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The file system holding the file message store: free and total bytes from Java's {@link FileStore},
 * free and total inodes from {@code statvfs(3)} through coreutils' {@code stat -f} (Java has no call
 * for inodes). A file system without inodes (some network ones) reports 0 total.
 */
public final class FileStoreSpace implements StoreSpace {
    private static final long STAT_TIMEOUT_SECONDS = 5;

    private final Path root;

    public FileStoreSpace(Path root) {
        this.root = root;
    }

    @Override
    public PipelineState.StoreSample measure() throws IOException {
        Path existing = existingAncestor(root);
        FileStore fileStore = Files.getFileStore(existing);
        long[] inodes = inodes(existing);
        return new PipelineState.StoreSample("file", root.toString(), fileStore.getUsableSpace(), fileStore.getTotalSpace(),
            inodes[0], inodes[1], null);
    }

    /** The store root is created on first write: until then, its parent's file system is where it will be. */
    private static Path existingAncestor(Path path) {
        Path current = path.toAbsolutePath();
        while (current != null && !Files.exists(current)) {
            current = current.getParent();
        }
        return current == null ? Path.of("/") : current;
    }

    /** @return free and total inodes: {@code %d} and {@code %c} of {@code stat -f} */
    private static long[] inodes(Path path) throws IOException {
        Process stat = new ProcessBuilder("stat", "-f", "-c", "%d %c", path.toString()).redirectErrorStream(true).start();
        try {
            if (!stat.waitFor(STAT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                stat.destroyForcibly();
                throw new IOException("stat -f " + path + " did not answer within " + STAT_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stat.destroyForcibly();
            throw new IOException("interrupted while reading the inodes of " + path, e);
        }
        String output = new String(stat.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        String[] fields = output.split("\\s+");
        if (stat.exitValue() != 0 || fields.length != 2) {
            throw new IOException("stat -f " + path + " answered '" + output + "'");
        }
        try {
            return new long[] {Long.parseLong(fields[0]), Long.parseLong(fields[1])};
        } catch (NumberFormatException e) {
            throw new IOException("stat -f " + path + " answered '" + output + "'", e);
        }
    }
}
