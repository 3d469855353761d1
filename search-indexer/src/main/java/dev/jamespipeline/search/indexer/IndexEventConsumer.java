package dev.jamespipeline.search.indexer;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import dev.jamespipeline.core.broker.FailureRouter;
import dev.jamespipeline.core.broker.FailureRouter.QueuedMessage;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.envelope.InvalidEnvelopeException;
import dev.jamespipeline.search.index.IndexUnavailableException;

/**
 * Consumes the index queue on one channel and applies its events in batches: deliveries are
 * handed to a worker thread that waits up to {@code linger} for more, then writes them with one
 * bulk request. Each message is acked only once its writes, or its retry or dead-letter publish,
 * are done. A failed event is retried with the queue's delay tiers (its attempt count rides in a
 * header), then dead-lettered; {@code POST /pipeline/queues/.../dead-letters?action=replay} brings
 * it back.
 */
final class IndexEventConsumer extends DefaultConsumer {
    private static final Logger LOGGER = LoggerFactory.getLogger(IndexEventConsumer.class);

    private record Pending(long deliveryTag, String routingKey, AMQP.BasicProperties properties, byte[] body) {
        QueuedMessage message() {
            return new QueuedMessage(properties, body);
        }
    }

    private final String queue;
    private final EnvelopeCodec codec;
    private final EnvelopeSigner signer;
    private final IndexUpdater updater;
    private final FailureRouter failures;
    private final IndexLag lag;
    private final int batchSize;
    private final Duration linger;
    private final BlockingQueue<Pending> pending = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean stopped;

    IndexEventConsumer(Channel channel, String queue, EnvelopeCodec codec, EnvelopeSigner signer, IndexUpdater updater,
                       FailureRouter failures, IndexLag lag, int batchSize, Duration linger, String workerName) {
        super(channel);
        this.queue = queue;
        this.codec = codec;
        this.signer = signer;
        this.updater = updater;
        this.failures = failures;
        this.lag = lag;
        this.batchSize = batchSize;
        this.linger = linger;
        this.worker = new Thread(this::work, workerName);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope delivery, AMQP.BasicProperties properties, byte[] body) {
        pending.add(new Pending(delivery.getDeliveryTag(), delivery.getRoutingKey(), properties, body));
    }

    @Override
    public void handleCancel(String consumerTag) {
        stop();
    }

    void stop() {
        stopped = true;
        worker.interrupt();
    }

    private void work() {
        while (!stopped) {
            try {
                List<Pending> batch = nextBatch();
                if (!batch.isEmpty()) {
                    process(batch);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOGGER.error("Index worker on {} failed; its unacked messages return to the queue when the channel closes",
                    queue, e);
            }
        }
    }

    private List<Pending> nextBatch() throws InterruptedException {
        List<Pending> batch = new ArrayList<>();
        Pending first = pending.take();
        batch.add(first);
        long deadline = System.nanoTime() + linger.toNanos();
        while (batch.size() < batchSize) {
            Pending next = pending.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    private void process(List<Pending> batch) {
        List<Pending> valid = new ArrayList<>();
        List<Object> events = new ArrayList<>();
        for (Pending message : batch) {
            try {
                events.add(decode(message));
                valid.add(message);
            } catch (InvalidEnvelopeException e) {
                settle(message, () -> failures.deadLetter(queue, message.message(), "invalid event: " + e.getMessage()));
            }
        }
        if (valid.isEmpty()) {
            return;
        }
        List<Optional<String>> results;
        try {
            results = updater.apply(events);
        } catch (IndexUnavailableException e) {
            String reason = "search index unavailable: " + FailureRouter.describe(e);
            valid.forEach(message -> settle(message, () -> retry(message, reason)));
            return;
        }
        Instant now = Instant.now();
        for (int i = 0; i < valid.size(); i++) {
            Pending message = valid.get(i);
            Optional<String> failure = results.get(i);
            if (failure.isPresent()) {
                settle(message, () -> retry(message, failure.get()));
            } else {
                if (events.get(i) instanceof DeliveredEvent delivered) {
                    lag.record(Duration.between(delivered.deliveredAt(), now));
                }
                settle(message, () -> { });
            }
        }
    }

    /** Events carry their kind as the AMQP type; retried and replayed ones no longer have their routing key. */
    private Object decode(Pending message) throws InvalidEnvelopeException {
        signer.verify(message.properties(), message.body());
        String type = message.properties().getType() != null ? message.properties().getType() : message.routingKey();
        if (Topology.MAIL_DELIVERED.equals(type)) {
            return codec.decodeDelivered(message.body());
        }
        return codec.decodeMailboxChange(message.body());
    }

    private void retry(Pending message, String reason) throws PublishException {
        int attempt = attemptOf(message.properties());
        Map<String, Object> headers = new HashMap<>();
        if (message.properties().getHeaders() != null) {
            headers.putAll(message.properties().getHeaders());
        }
        headers.put(MessageProperties.ATTEMPT_HEADER, attempt + 1);
        QueuedMessage retry = new QueuedMessage(message.properties().builder().headers(headers).build(), message.body());
        String where = failures.failed(queue, attempt, message.message(), retry, reason);
        LOGGER.warn("Index event {} not applied ({}): {}", message.properties().getMessageId(), where, reason);
    }

    static int attemptOf(AMQP.BasicProperties properties) {
        Object attempt = properties.getHeaders() == null ? null : properties.getHeaders().get(MessageProperties.ATTEMPT_HEADER);
        return attempt instanceof Number number ? number.intValue() : 0;
    }

    @FunctionalInterface
    private interface Outcome {
        void publish() throws PublishException;
    }

    /** Makes the outcome durable, then acks; if the outcome cannot be published the message is requeued. */
    private void settle(Pending message, Outcome outcome) {
        boolean settled;
        try {
            outcome.publish();
            settled = true;
        } catch (PublishException | RuntimeException e) {
            LOGGER.error("Cannot retry or dead-letter an index event, returning it to {}: {}", queue, e.getMessage());
            settled = false;
        }
        try {
            if (settled) {
                getChannel().basicAck(message.deliveryTag(), false);
            } else {
                getChannel().basicNack(message.deliveryTag(), false, true);
            }
        } catch (IOException | AlreadyClosedException e) {
            LOGGER.info("Index channel closed before the event was settled; the broker will redeliver it");
        }
    }
}
