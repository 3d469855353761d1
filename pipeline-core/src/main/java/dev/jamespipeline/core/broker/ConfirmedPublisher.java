package dev.jamespipeline.core.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BlockedListener;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.Return;
import com.rabbitmq.client.ShutdownSignalException;

/**
 * Publishes and waits until the broker has taken responsibility: a publisher confirm (ack), and for
 * {@code mandatory} publishes no return. Many threads share one channel: each publish takes a
 * sequence number under a short lock, and the broker acknowledges them in batches, so concurrent
 * SMTP sessions share confirm round trips (group commit) instead of paying one each.
 */
public final class ConfirmedPublisher implements AutoCloseable {
    private static final String PUBLISH_TAG_HEADER = "x-pipeline-publish-tag";

    private final BrokerConnection broker;
    private final long timeoutMillis;
    private final Object lock = new Object();
    private final AtomicLong tags = new AtomicLong();
    private final ConcurrentNavigableMap<Long, Pending> bySequence = new ConcurrentSkipListMap<>();
    private final Map<Long, Pending> byTag = new ConcurrentHashMap<>();
    private volatile Block block;
    private Channel channel;
    private Connection listenedConnection;

    public ConfirmedPublisher(BrokerConnection broker, Duration confirmTimeout) {
        this.broker = broker;
        this.timeoutMillis = confirmTimeout.toMillis();
    }

    /** Set while RabbitMQ blocks this connection (memory or disk alarm): every publish fails, SMTP answers 451. */
    public Optional<String> blockedReason() {
        Block current = block;
        // A block ends with the connection it was sent on: the broker never sends connection.unblocked to
        // a closed connection, and blocks a new one again only once it publishes during the alarm.
        return current != null && current.connection().isOpen() ? Optional.of(current.reason()) : Optional.empty();
    }

    /** Opens the connection and channel ahead of the first publish, so the first SMTP client does not wait for it. */
    public void connect() throws IOException {
        synchronized (lock) {
            channel();
        }
    }

    public void publish(String exchange, String routingKey, boolean mandatory, AMQP.BasicProperties properties, byte[] body)
            throws PublishException {
        Optional<String> blocked = blockedReason();
        if (blocked.isPresent()) {
            throw new PublishException("RabbitMQ refuses publishes (resource alarm: " + blocked.get() + ")");
        }
        long tag = tags.incrementAndGet();
        Pending pending = new Pending(tag);
        synchronized (lock) {
            try {
                Channel current = channel();
                long sequence = current.getNextPublishSeqNo();
                pending.sequence = sequence;
                bySequence.put(sequence, pending);
                byTag.put(tag, pending);
                current.basicPublish(exchange, routingKey, mandatory, tagged(properties, tag), body);
            } catch (IOException | RuntimeException e) {
                forget(pending);
                throw new PublishException("Publishing to " + exchange + "/" + routingKey + " failed: "
                    + BrokerConnection.describe(e), e);
            }
        }
        await(pending, exchange, routingKey);
    }

    private void await(Pending pending, String exchange, String routingKey) throws PublishException {
        try {
            pending.outcome.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            forget(pending);
            throw new PublishException("No publisher confirm for " + exchange + "/" + routingKey + " within " + timeoutMillis + " ms");
        } catch (ExecutionException e) {
            throw new PublishException(e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            forget(pending);
            throw new PublishException("Interrupted while waiting for a publisher confirm", e);
        }
    }

    private Channel channel() throws IOException {
        if (channel != null && channel.isOpen()) {
            return channel;
        }
        Connection connection = broker.get();
        if (!connection.isOpen()) {
            throw new IOException("connection to RabbitMQ at " + broker.endpoint() + " is down, recovering");
        }
        listenToConnection(connection);
        failAll("channel replaced");
        Channel opened = connection.createChannel();
        opened.confirmSelect();
        opened.addConfirmListener(new ConfirmListener() {
            @Override
            public void handleAck(long sequence, boolean multiple) {
                complete(sequence, multiple, null);
            }

            @Override
            public void handleNack(long sequence, boolean multiple) {
                complete(sequence, multiple, "RabbitMQ refused the message (nack: queue full or internal error)");
            }
        });
        opened.addReturnListener(this::onReturn);
        opened.addShutdownListener(this::onShutdown);
        channel = opened;
        return opened;
    }

    private void listenToConnection(Connection connection) {
        if (listenedConnection == connection) {
            return;
        }
        connection.addBlockedListener(new BlockedListener() {
            @Override
            public void handleBlocked(String reason) {
                block = new Block(connection, reason);
            }

            @Override
            public void handleUnblocked() {
                block = null;
            }
        });
        if (connection instanceof Recoverable recoverable) {
            // The recovered connection is another one under the same object (isOpen() true again): the
            // block of the one that went down must not outlive it. Recovery starts before the new
            // connection exists, so its own connection.blocked, if the alarm still holds, comes after.
            recoverable.addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecoveryStarted(Recoverable recovering) {
                    block = null;
                }

                @Override
                public void handleRecovery(Recoverable recovered) {
                    // nothing left to do: cleared when recovery started
                }
            });
        }
        listenedConnection = connection;
    }

    private void onReturn(Return returned) {
        Object tag = returned.getProperties().getHeaders() == null ? null
            : returned.getProperties().getHeaders().get(PUBLISH_TAG_HEADER);
        if (tag instanceof Number number) {
            Pending pending = byTag.get(number.longValue());
            if (pending != null) {
                // The broker sends basic.return before the ack of the same message.
                pending.returnReason = "unroutable: no queue bound to " + returned.getExchange() + "/"
                    + returned.getRoutingKey() + " (" + returned.getReplyText() + ")";
            }
        }
    }

    private void onShutdown(ShutdownSignalException cause) {
        failAll("channel closed: " + cause.getReason());
    }

    private void complete(long sequence, boolean multiple, String failure) {
        ConcurrentNavigableMap<Long, Pending> done = multiple
            ? bySequence.headMap(sequence, true)
            : bySequence.subMap(sequence, true, sequence, true);
        for (Pending pending : done.values()) {
            forget(pending);
            String reason = failure != null ? failure : pending.returnReason;
            if (reason == null) {
                pending.outcome.complete(null);
            } else {
                pending.outcome.completeExceptionally(new PublishException(reason));
            }
        }
    }

    private void failAll(String reason) {
        for (Pending pending : bySequence.values()) {
            forget(pending);
            pending.outcome.completeExceptionally(new PublishException("Publish outcome unknown, " + reason));
        }
    }

    private void forget(Pending pending) {
        if (pending.sequence >= 0) {
            bySequence.remove(pending.sequence, pending);
        }
        byTag.remove(pending.tag, pending);
    }

    private static AMQP.BasicProperties tagged(AMQP.BasicProperties properties, long tag) {
        Map<String, Object> headers = new HashMap<>();
        if (properties.getHeaders() != null) {
            headers.putAll(properties.getHeaders());
        }
        headers.put(PUBLISH_TAG_HEADER, tag);
        return properties.builder().headers(headers).build();
    }

    @Override
    public void close() {
        synchronized (lock) {
            failAll("publisher closed");
            if (channel != null && channel.isOpen()) {
                try {
                    channel.close();
                } catch (IOException | TimeoutException | RuntimeException ignored) {
                    // closing on shutdown: the connection goes away next
                }
            }
        }
    }

    /** The broker's connection.blocked and the connection it was sent on. */
    private record Block(Connection connection, String reason) {
    }

    private static final class Pending {
        final long tag;
        final CompletableFuture<Void> outcome = new CompletableFuture<>();
        volatile long sequence = -1;
        volatile String returnReason;

        Pending(long tag) {
            this.tag = tag;
        }
    }
}
