package dev.jamespipeline.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamespipeline.core.ledger.FileDeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;

/**
 * On the real filesystem. Ages are made by running the sweeper's clock ahead, or by moving one
 * file's mtime back, as if the sweep ran later: no test waits for a clock.
 */
class FileRetentionSweeperTest {
    private static final Duration GRACE = Duration.ofMinutes(10);
    private static final Duration RETENTION = Duration.ofDays(7);
    private static final Duration AFTER_THE_GRACE = GRACE.plusMinutes(1);
    private static final Duration AFTER_THE_RETENTION = RETENTION.plusDays(1);

    @TempDir
    Path directory;
    private Path storeRoot;
    private Path ledgerRoot;
    private FileMessageStore store;

    @BeforeEach
    void createStore() throws IOException {
        storeRoot = directory.resolve("messages");
        ledgerRoot = directory.resolve("ledger");
        store = new FileMessageStore(storeRoot);
    }

    /**
     * 1,100 messages go through two stages (received, handed off, each released when its stage completes,
     * as the stage runner does); one is dead-lettered in the second stage and never released. More than
     * one batch of the sweeper.
     */
    @Test
    void theStoreReturnsToTheDeadLettersAfterDeliveryAndTheGracePeriod() throws Exception {
        StorageKey deadLettered = null;
        for (int i = 0; i < 1100; i++) {
            StorageKey received = StorageKeys.received(Instant.now());
            store.write(received, out -> out.write(new byte[1024]));
            StorageKey handoff = StorageKeys.stageHandoff(UUID.randomUUID().toString(), "deliver");
            store.write(handoff, out -> out.write(new byte[1024]));
            store.release(received);
            if (i == 0) {
                deadLettered = handoff;
            } else {
                store.release(handoff);
            }
        }
        assertThat(files(storeRoot)).isEqualTo(2200 + 2199);

        assertThat(sweepAfter(Duration.ZERO).total()).as("within the grace period").isZero();
        FileRetentionSweeper.Swept swept = sweepAfter(AFTER_THE_GRACE);

        assertThat(swept.messages()).isEqualTo(2199);
        assertThat(files(storeRoot)).isEqualTo(1);
        assertThat(storeRoot.resolve(deadLettered.value())).exists();
        assertThat(sweepAfter(AFTER_THE_RETENTION).messages()).as("a dead letter is kept however old").isZero();
        assertThat(storeRoot.resolve(deadLettered.value())).exists();
    }

    @Test
    void directoriesEmptiedBySweepGoAtALaterSweepButTheRootStays() throws Exception {
        StorageKey key = writtenAndReleased(StorageKeys.received(Instant.now()));
        sweepAfter(AFTER_THE_GRACE);

        // The emptied hour directory was modified by the sweep; the next sweep after the grace period removes it and its day.
        FileRetentionSweeper.Swept swept = sweepAfter(AFTER_THE_GRACE.multipliedBy(2));

        assertThat(swept.directories()).isEqualTo(2);
        try (Stream<Path> left = Files.walk(storeRoot)) {
            assertThat(left).containsExactly(storeRoot);
        }
        store.write(key, out -> out.write('2'));
        assertThat(storeRoot.resolve(key.value())).hasContent("2");
    }

    @Test
    void aMessageWrittenAgainAfterItsReleaseIsKept() throws Exception {
        StorageKey key = writtenAndReleased(new StorageKey("stages/again.deliver.eml"));
        store.write(key, out -> out.write('2'));

        sweepAfter(AFTER_THE_GRACE);

        assertThat(storeRoot.resolve(key.value())).hasContent("2");
    }

    /** The sweeper read an old mark while a writer was replacing the message: newer bytes than the mark stay. */
    @Test
    void aMessageNewerThanItsReleaseMarkIsKept() throws Exception {
        StorageKey key = writtenAndReleased(new StorageKey("stages/raced.deliver.eml"));
        Path mark = storeRoot.resolve("stages/.raced.deliver.eml.released");
        Files.setLastModifiedTime(mark, FileTime.from(Instant.now().minus(Duration.ofHours(1))));

        FileRetentionSweeper.Swept swept = sweepAfter(AFTER_THE_GRACE);

        assertThat(swept.messages()).isZero();
        assertThat(storeRoot.resolve(key.value())).exists();
    }

    @Test
    void withdrawalMarksAndTempFilesAbandonedByACrashExpireAfterTheRetention() throws Exception {
        StorageKey withdrawn = StorageKeys.received(Instant.now());
        store.write(withdrawn, out -> out.write('x'));
        store.withdraw(withdrawn);
        Path abandoned = StoreFileNames.temp(storeRoot.resolve(withdrawn.value()));
        Files.write(abandoned, new byte[] {'y'});

        assertThat(sweepAfter(AFTER_THE_GRACE).total()).as("within the retention").isZero();
        FileRetentionSweeper.Swept swept = sweepAfter(AFTER_THE_RETENTION);

        assertThat(swept.withdrawalMarks()).isEqualTo(1);
        assertThat(swept.tempFiles()).isEqualTo(1);
        assertThat(files(storeRoot)).isZero();
    }

    @Test
    void ledgerMarkersExpireAfterTheRetention() throws Exception {
        FileDeliveryLedger ledger = new FileDeliveryLedger(ledgerRoot);
        String old = UUID.randomUUID().toString();
        String recent = UUID.randomUUID().toString();
        ledger.record(old, LedgerEntry.delivered("bob@example.com"));
        ledger.record(recent, LedgerEntry.delivered("bob@example.com"));
        try (Stream<Path> markers = Files.walk(ledgerRoot)) {
            Path oldMarker = markers.filter(file -> file.getFileName().toString().startsWith(old)).findFirst().orElseThrow();
            Files.setLastModifiedTime(oldMarker, FileTime.from(Instant.now().minus(AFTER_THE_RETENTION)));
        }

        FileRetentionSweeper.Swept swept = sweepAfter(Duration.ZERO);

        assertThat(swept.ledgerEntries()).isEqualTo(1);
        assertThat(ledger.contains(old, LedgerEntry.delivered("bob@example.com"))).isFalse();
        assertThat(ledger.contains(recent, LedgerEntry.delivered("bob@example.com"))).isTrue();
    }

    /**
     * What a hostile file in the store could try, as no {@link StorageKey} can name it: a link to a
     * directory outside, a message that is a link to a file outside, marks whose message name is "." or
     * "..", a mark beside a directory, a mark beside a file no key can name. The sweeper deletes nothing outside the root and nothing but
     * released messages, their marks and empty directories inside it.
     */
    @Test
    void theSweeperDeletesNothingOutsideTheRootNorAnythingThatIsNotAReleasedMessage() throws Exception {
        Path outside = Files.createDirectories(directory.resolve("outside"));
        Path victim = Files.writeString(outside.resolve("victim.eml"), "keep");
        Files.createFile(outside.resolve(".victim.eml.released"));
        Files.createSymbolicLink(storeRoot.resolve("link"), outside);
        Files.createDirectories(storeRoot.resolve("d"));
        Files.createSymbolicLink(storeRoot.resolve("d/evil.eml"), victim);
        Files.createFile(storeRoot.resolve("d/.evil.eml.released"));
        Files.createFile(storeRoot.resolve("....released"));
        Files.createFile(storeRoot.resolve("d/...released"));
        Path notAKey = Files.writeString(storeRoot.resolve("d/operator notes.txt"), "keep");
        Files.createFile(storeRoot.resolve("d/.operator notes.txt.released"));
        store.write(new StorageKey("e/unreleased.eml"), out -> out.write('x'));
        Files.createFile(storeRoot.resolve(".e.released"));

        sweepAfter(AFTER_THE_RETENTION);
        sweepAfter(AFTER_THE_RETENTION.multipliedBy(2));

        assertThat(victim).hasContent("keep");
        assertThat(outside.resolve(".victim.eml.released")).exists();
        assertThat(storeRoot.resolve("link")).isSymbolicLink();
        assertThat(notAKey).as("no key names it, so the store never wrote it").hasContent("keep");
        assertThat(storeRoot.resolve("e/unreleased.eml")).as("a directory is not a message").exists();
        assertThat(directory).isDirectory();
    }

    private StorageKey writtenAndReleased(StorageKey key) throws IOException {
        store.write(key, out -> out.write('1'));
        store.release(key);
        return key;
    }

    private FileRetentionSweeper.Swept sweepAfter(Duration later) throws IOException {
        return new FileRetentionSweeper(Optional.of(storeRoot), Optional.of(ledgerRoot), GRACE, RETENTION,
            Clock.offset(Clock.systemUTC(), later)).sweep();
    }

    private static long files(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
