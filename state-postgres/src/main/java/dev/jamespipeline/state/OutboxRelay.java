package dev.jamespipeline.state;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import javax.sql.DataSource;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.envelope.EnvelopeCodec;

/**
 * Publishes the outbox: one per node. It claims a batch of rows with {@code FOR UPDATE SKIP LOCKED}
 * (relays of other nodes take other rows), publishes them concurrently through the confirmed
 * {@link EventPublisher} (so they share confirm round trips), and deletes each row whose publish the
 * broker confirmed, in the claiming transaction. Rows it could not publish stay for the next turn.
 * A crash between a confirm and the commit of its delete publishes the event again: {@code mail.delivered}
 * consumers are idempotent (the indexer makes the index match the mailbox as it is).
 *
 * <p>It wakes on the {@code NOTIFY} each outbox write sends at commit, and polls every
 * {@code outbox.poll.interval.ms} in case a notification was missed (while its connection was down).
 */
public final class OutboxRelay implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(OutboxRelay.class);
    static final int BATCH_SIZE = 256;
    private static final int PUBLISHERS = 16;

    private final DataSource dataSource;
    private final EventPublisher events;
    private final EnvelopeCodec codec;
    private final Duration pollInterval;
    private final ExecutorService publishers = Executors.newFixedThreadPool(PUBLISHERS, runnable -> {
        Thread thread = new Thread(runnable, "pipeline-outbox-publisher");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread loop = new Thread(this::run, "pipeline-outbox-relay");
    private volatile boolean running = true;
    private Connection listening;

    public OutboxRelay(DataSource dataSource, EventPublisher events, EnvelopeCodec codec, Duration pollInterval) {
        this.dataSource = dataSource;
        this.events = events;
        this.codec = codec;
        this.pollInterval = pollInterval;
        loop.setDaemon(true);
    }

    public void start() {
        loop.start();
    }

    private void run() {
        while (running) {
            try {
                listen();
                while (running && relayBatch() == BATCH_SIZE) {
                    // a full batch: there may be more
                }
                awaitNotification();
            } catch (SQLException | RuntimeException e) {
                LOGGER.warn("Outbox relay: {}; trying again in {} ms", e.getMessage(), pollInterval.toMillis());
                stopListening();
                pause();
            } catch (UnpublishedException e) {
                LOGGER.warn("Outbox relay: {} event(s) not published ({}); trying again in {} ms",
                    e.count, e.getMessage(), pollInterval.toMillis());
                pause();
            }
        }
        stopListening();
    }

    /**
     * Publishes one batch and deletes what the broker confirmed.
     *
     * @return the rows claimed
     * @throws UnpublishedException after committing the deletes of the published ones, if some were not
     */
    int relayBatch() throws SQLException, UnpublishedException {
        List<Long> failed = new ArrayList<>();
        List<Throwable> failures = new ArrayList<>();
        int claimed = Jdbc.inTransaction(dataSource, transaction -> {
            List<Long> ids = new ArrayList<>();
            List<CompletableFuture<Void>> publishes = new ArrayList<>();
            try (PreparedStatement select = transaction.prepareStatement(
                     "SELECT id, routing_key, payload FROM pipeline_outbox ORDER BY id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                select.setInt(1, BATCH_SIZE);
                try (ResultSet rows = select.executeQuery()) {
                    while (rows.next()) {
                        ids.add(rows.getLong(1));
                        String routingKey = rows.getString(2);
                        byte[] payload = rows.getBytes(3);
                        publishes.add(CompletableFuture.runAsync(() -> publish(routingKey, payload), publishers));
                    }
                }
            }
            List<Long> published = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                try {
                    publishes.get(i).join();
                    published.add(ids.get(i));
                } catch (CompletionException e) {
                    failed.add(ids.get(i));
                    failures.add(e.getCause());
                }
            }
            try (PreparedStatement delete = transaction.prepareStatement("DELETE FROM pipeline_outbox WHERE id = ANY (?)")) {
                delete.setArray(1, transaction.createArrayOf("bigint", published.toArray()));
                delete.executeUpdate();
            }
            return ids.size();
        });
        if (!failed.isEmpty()) {
            throw new UnpublishedException(failed.size(), failures.get(0));
        }
        return claimed;
    }

    private void publish(String routingKey, byte[] payload) {
        try {
            if (!DeliveredEvent.ROUTING_KEY.equals(routingKey)) {
                throw new IllegalStateException("outbox row with unknown routing key '" + routingKey + "'");
            }
            events.delivered(codec.decodeDelivered(payload));
        } catch (Exception e) {
            throw new CompletionException(e);
        }
    }

    private void listen() throws SQLException {
        if (listening != null) {
            return;
        }
        Connection connection = dataSource.getConnection();
        try (Statement statement = connection.createStatement()) {
            statement.execute("LISTEN " + PipelineAppendHook.CHANNEL);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        listening = connection;
    }

    /** Returns on a notification, after the poll interval, or when the relay stops. */
    private void awaitNotification() throws SQLException {
        long timeout = Math.max(1, pollInterval.toMillis());
        listening.unwrap(PGConnection.class).getNotifications((int) Math.min(Integer.MAX_VALUE, timeout));
    }

    private void stopListening() {
        if (listening != null) {
            try {
                listening.close();
            } catch (SQLException ignored) {
                // a broken connection: the pool discards it
            }
            listening = null;
        }
    }

    private void pause() {
        try {
            Thread.sleep(pollInterval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            loop.join(pollInterval.toMillis() + 5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        publishers.shutdownNow();
    }

    /** Some events of a batch were not confirmed; they stay in the outbox. */
    static final class UnpublishedException extends Exception {
        final int count;

        UnpublishedException(int count, Throwable first) {
            super(first.getMessage(), first);
            this.count = count;
        }
    }
}
