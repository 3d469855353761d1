package dev.jamespipeline.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileMessageStoreTest {
    private static final byte[] MESSAGE = "Subject: hi\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path root;

    @Test
    void writeReturnsTheDigestAndSizeOfWhatItStored() throws Exception {
        FileMessageStore store = new FileMessageStore(root);

        StoredBlob blob = store.write(new StorageKey("2026-11-27/10/a.eml"), out -> out.write(MESSAGE));

        assertThat(blob.size()).isEqualTo(MESSAGE.length);
        assertThat(blob.sha256()).isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(MESSAGE)));
        try (InputStream in = store.open(blob.key())) {
            assertThat(in.readAllBytes()).isEqualTo(MESSAGE);
        }
        store.verify(blob);
    }

    @Test
    void verifyRejectsChangedAndMissingMessages() throws Exception {
        FileMessageStore store = new FileMessageStore(root);
        StoredBlob blob = store.write(new StorageKey("a.eml"), out -> out.write(MESSAGE));

        Files.writeString(root.resolve("a.eml"), "tampered");
        assertThatThrownBy(() -> store.verify(blob)).isInstanceOf(CorruptBlobException.class).hasMessageContaining("sha256");

        Files.delete(root.resolve("a.eml"));
        assertThatThrownBy(() -> store.verify(blob)).isInstanceOf(CorruptBlobException.class).hasMessageContaining("missing");
    }

    @Test
    void aWithdrawnMessageIsGoneAndToldFromALostOne() throws Exception {
        FileMessageStore store = new FileMessageStore(root);
        StoredBlob blob = store.write(new StorageKey("d/withdrawn.eml"), out -> out.write(MESSAGE));

        store.withdraw(blob.key());

        assertThat(root.resolve("d/withdrawn.eml")).doesNotExist();
        assertThatThrownBy(() -> store.verify(blob)).isInstanceOf(WithdrawnMessageException.class).hasMessageContaining("451");
        assertThatThrownBy(() -> new StorageKey("d/.withdrawn.eml.withdrawn")).as("no key can name the mark")
            .isInstanceOf(InvalidStorageKeyException.class);
    }

    @Test
    void aFailedWriteLeavesNothingBehind() throws Exception {
        FileMessageStore store = new FileMessageStore(root);

        assertThatThrownBy(() -> store.write(new StorageKey("d/half.eml"), out -> {
            out.write(MESSAGE);
            throw new IOException("client went away");
        })).hasMessage("client went away");

        try (Stream<Path> files = Files.walk(root)) {
            assertThat(files.filter(Files::isRegularFile)).isEmpty();
        }
    }

    @Test
    void rewritingAKeyReplacesItsContentAtomically() throws Exception {
        FileMessageStore store = new FileMessageStore(root);
        store.write(new StorageKey("k.eml"), out -> out.write("old".getBytes(StandardCharsets.US_ASCII)));

        StoredBlob blob = store.write(new StorageKey("k.eml"), out -> out.write(MESSAGE));

        store.verify(blob);
    }

    @Test
    void keysThatCouldEscapeTheRootAreRefused() {
        for (String hostile : new String[] {"../etc/passwd", "/etc/passwd", "a/../../b", ".hidden", "a//b", "a/", "",
                "a\\b", "a/./b", "x".repeat(600)}) {
            assertThatThrownBy(() -> new StorageKey(hostile)).as(hostile).isInstanceOf(InvalidStorageKeyException.class);
        }
    }

    @Test
    void releaseLeavesAMarkOnceAndKeepsTheFirstReleaseTime() throws Exception {
        FileMessageStore store = new FileMessageStore(root);
        StorageKey key = new StorageKey("d/released.eml");
        store.write(key, out -> out.write(MESSAGE));

        store.release(key);
        Path mark = root.resolve("d/.released.eml.released");
        FileTime firstRelease = FileTime.fromMillis(1_000_000);
        Files.setLastModifiedTime(mark, firstRelease);
        store.release(key);

        assertThat(Files.getLastModifiedTime(mark)).isEqualTo(firstRelease);
        assertThat(root.resolve("d/released.eml")).exists();
        assertThatThrownBy(() -> new StorageKey("d/.released.eml.released")).as("no key can name the mark")
            .isInstanceOf(InvalidStorageKeyException.class);
    }

    @Test
    void writingAReleasedKeyAgainKeepsItAgain() throws Exception {
        FileMessageStore store = new FileMessageStore(root);
        StorageKey key = new StorageKey("d/again.eml");
        store.write(key, out -> out.write('1'));
        store.release(key);

        store.write(key, out -> out.write('2'));

        assertThat(root.resolve("d/.again.eml.released")).doesNotExist();
        assertThat(root.resolve("d/again.eml")).hasContent("2");
    }

    @Test
    void releasingAMessageThatIsGoneLeavesNoMark() throws Exception {
        FileMessageStore store = new FileMessageStore(root);
        StoredBlob blob = store.write(new StorageKey("d/withdrawn.eml"), out -> out.write(MESSAGE));
        store.withdraw(blob.key());

        store.release(blob.key());
        store.release(new StorageKey("d/never-written.eml"));

        assertThat(root.resolve("d/.withdrawn.eml.released")).doesNotExist();
        assertThat(root.resolve("d/.never-written.eml.released")).doesNotExist();
    }
}
