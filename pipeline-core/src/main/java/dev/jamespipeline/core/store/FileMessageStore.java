package dev.jamespipeline.core.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;

/**
 * Filesystem message store: write to a temp file, fsync it, rename it into place, fsync the
 * directory. A crash leaves either no file or the whole file under its key, never a partial one.
 * Temp files, withdrawal and release marks start with '.', a name no {@link StorageKey} can have
 * ({@link StoreFileNames}); {@link FileRetentionSweeper} deletes released messages and expired marks.
 */
public final class FileMessageStore implements MessageStore {
    private static final int BUFFER_SIZE = 64 * 1024;

    private final Path root;
    private final DirectorySync directorySync = new DirectorySync();

    public FileMessageStore(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        Files.createDirectories(this.root);
    }

    @Override
    public StoredBlob write(StorageKey key, BodyWriter body) throws IOException {
        Path target = resolve(key);
        Path directory = target.getParent();
        DurableDirectories.create(root, directory);
        Path temp = StoreFileNames.temp(target);
        try {
            MessageDigest digest = Digests.sha256();
            long size;
            try (FileChannel channel = createTemp(temp)) {
                CountingOutputStream counting = new CountingOutputStream(
                    new DigestOutputStream(Channels.newOutputStream(channel), digest));
                OutputStream out = new BufferedOutputStream(counting, BUFFER_SIZE);
                body.writeTo(out);
                out.flush();
                channel.force(true);
                size = counting.count();
            }
            keepAgainIfReleased(target);
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            directorySync.fsync(directory);
            return new StoredBlob(key, HexFormat.of().formatHex(digest.digest()), size);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** A sweeper may have removed the empty directory between its creation and this file's. */
    private FileChannel createTemp(Path temp) throws IOException {
        try {
            return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (NoSuchFileException directorySwept) {
            DurableDirectories.create(root, temp.getParent());
            return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /**
     * A repeated step writes a released key again: its mark goes, durably, before the new bytes take
     * the name, so no crash leaves the new message with the old mark (the sweeper would delete it).
     */
    private void keepAgainIfReleased(Path target) throws IOException {
        if (Files.deleteIfExists(StoreFileNames.releaseMark(target))) {
            directorySync.fsync(target.getParent());
        }
    }

    @Override
    public InputStream open(StorageKey key) throws IOException {
        return Files.newInputStream(resolve(key));
    }

    @Override
    public void verify(StoredBlob expected) throws IOException {
        MessageDigest digest = Digests.sha256();
        long size = 0;
        try (InputStream in = new DigestInputStream(open(expected.key()), digest)) {
            byte[] buffer = new byte[BUFFER_SIZE];
            for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                size += read;
            }
        } catch (NoSuchFileException e) {
            if (Files.exists(StoreFileNames.withdrawalMark(resolve(expected.key())))) {
                throw new WithdrawnMessageException("stored message " + expected.key()
                    + " was withdrawn at ingest: the client was answered 451 and sends it again");
            }
            throw new CorruptBlobException("stored message " + expected.key() + " is missing");
        }
        String sha256 = HexFormat.of().formatHex(digest.digest());
        if (size != expected.size() || !sha256.equals(expected.sha256())) {
            throw new CorruptBlobException("stored message " + expected.key() + " has size " + size + " and sha256 "
                + sha256 + " but its envelope says " + expected.size() + " and " + expected.sha256());
        }
    }

    /**
     * The mark is written before the message goes, and the directory fsync that makes the removal
     * durable covers the mark too (same directory). Were the mark lost, the envelope would only be
     * retried and dead-lettered as a missing message.
     */
    @Override
    public void withdraw(StorageKey key) throws IOException {
        Path target = resolve(key);
        Files.write(StoreFileNames.withdrawalMark(target), new byte[0]);
        Files.deleteIfExists(target);
        directorySync.fsync(target.getParent());
    }

    /**
     * An empty mark beside the message, whose mtime is the release time: created atomically (the first
     * release's time stays), visible to every node sharing the volume, and durable by the directory
     * fsync (a lost mark would keep the message forever). A message already gone leaves no mark.
     */
    @Override
    public void release(StorageKey key) throws IOException {
        Path message = resolve(key);
        if (!Files.isRegularFile(message, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.createFile(StoreFileNames.releaseMark(message));
        } catch (FileAlreadyExistsException alreadyReleased) {
            return;
        }
        directorySync.fsync(message.getParent());
    }

    /** The key is already validated; the prefix check guards against a future change to that validation. */
    private Path resolve(StorageKey key) {
        Path path = root.resolve(key.value()).normalize();
        if (!path.startsWith(root) || path.equals(root)) {
            throw new InvalidStorageKeyException("storage key '" + key + "' escapes the store root");
        }
        return path;
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        private long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        long count() {
            return count;
        }
    }
}
