package dev.jamespipeline.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.store.FileMessageStore;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.state.PipelineStateSchema;
import dev.jamespipeline.state.PostgresMessageStore;
import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * Durable writes per second of the pipeline's two message stores, in one run: {@link FileMessageStore}
 * (a temp file, its fsync, a rename, a directory fsync per message) against {@link PostgresMessageStore}
 * (one committed INSERT per message, synchronous_commit on), for each message size and number of
 * concurrent writers. Each cell writes for the same time into a fresh directory or database.
 *
 * <p>Usage: {@code MessageStoreBench FILE_STORE_DIR SECONDS_PER_CELL} (the directory should be on the
 * disk PostgreSQL writes its WAL to, so both pay the same device's flush). PostgreSQL: as the tests
 * find it ({@code PIPELINE_TEST_POSTGRES_URL}, else the local one).
 */
public final class MessageStoreBench {
    private static final int[] SIZES = {10 * 1024, 100 * 1024};
    private static final int[] WRITERS = {1, 8, 32};

    private MessageStoreBench() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: FILE_STORE_DIR SECONDS_PER_CELL");
            System.exit(2);
        }
        Path fileRoot = Path.of(args[0]);
        long millis = Long.parseLong(args[1]) * 1000;
        System.out.printf("%-8s %-8s %14s %14s %10s%n", "size", "writers", "file msg/s", "postgres msg/s", "pg/file");
        for (int size : SIZES) {
            byte[] body = new byte[size];
            ThreadLocalRandom.current().nextBytes(body);
            for (int writers : WRITERS) {
                Path cellRoot = Files.createTempDirectory(Files.createDirectories(fileRoot), "cell");
                double file = rate(new FileMessageStore(cellRoot), body, writers, millis);
                double postgres;
                try (PostgresTestDatabase database = PostgresTestDatabase.create(2);
                     HikariDataSource pool = pool(database.jdbcUrl(), writers)) {
                    // Flyway holds its lock on a second connection: migrated through the fixture's pool.
                    PipelineStateSchema.migrate(database.dataSource());
                    postgres = rate(new PostgresMessageStore(pool), body, writers, millis);
                }
                System.out.printf("%-8s %-8d %14.0f %14.0f %10.2f%n", size / 1024 + "KB", writers, file, postgres, postgres / file);
            }
        }
    }

    private static HikariDataSource pool(String url, int size) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }

    private static double rate(MessageStore store, byte[] body, int writers, long millis) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        ExecutorService threads = Executors.newFixedThreadPool(writers);
        List<Future<Long>> counts = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < writers; i++) {
            counts.add(threads.submit(() -> {
                long written = 0;
                while (running.get()) {
                    store.write(new StorageKey("bench/" + PipelineIds.next() + ".eml"), out -> out.write(body));
                    written++;
                }
                return written;
            }));
        }
        Thread.sleep(millis);
        running.set(false);
        long total = 0;
        for (Future<Long> count : counts) {
            total += count.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        threads.shutdown();
        return total / seconds;
    }
}
