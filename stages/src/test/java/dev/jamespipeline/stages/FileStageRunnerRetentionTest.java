package dev.jamespipeline.stages;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

import dev.jamespipeline.core.ledger.FileDeliveryLedger;
import dev.jamespipeline.core.store.FileMessageStore;
import dev.jamespipeline.core.store.FileRetentionSweeper;

/** {@code store.backend=file}, {@code ledger.backend=file}: the stock-James drop-in, on the real filesystem. */
class FileStageRunnerRetentionTest extends StageRunnerRetentionContract {
    private static final Duration GRACE = Duration.ofMinutes(10);

    @TempDir
    Path storeRoot;
    private Path messages;
    private Path ledgerMarkers;

    @BeforeEach
    void createStore() throws IOException {
        messages = storeRoot.resolve("messages");
        ledgerMarkers = storeRoot.resolve("ledger");
        store = new FileMessageStore(messages);
        ledger = new FileDeliveryLedger(ledgerMarkers);
    }

    /** The store's marks and temp files start with '.'; messages never do. */
    @Override
    long storedMessages() throws IOException {
        return regularFiles(name -> !name.startsWith("."));
    }

    @Override
    long storeEntries() throws IOException {
        return regularFiles(name -> true);
    }

    private long regularFiles(Predicate<String> name) throws IOException {
        try (Stream<Path> files = Files.walk(messages)) {
            return files.filter(Files::isRegularFile).filter(file -> name.test(file.getFileName().toString())).count();
        }
    }

    /** The sweeper's clock runs ahead by more than the grace period rather than the test waiting. */
    @Override
    void sweepAfterTheGracePeriod() throws IOException {
        Clock later = Clock.offset(Clock.systemUTC(), GRACE.plusMinutes(1));
        new FileRetentionSweeper(Optional.of(messages), Optional.of(ledgerMarkers), GRACE, Duration.ofDays(7), later).sweep();
    }
}
