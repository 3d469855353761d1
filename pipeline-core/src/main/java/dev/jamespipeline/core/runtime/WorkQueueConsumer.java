package dev.jamespipeline.core.runtime;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;

import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.envelope.InvalidEnvelopeException;

/**
 * One consumer of one work queue, on its own channel, with a worker thread of its own that runs
 * the handler on deliveries whose signature verifies (others are dead-lettered). The ack rule: a delivery is acked only once its outcome is durable (the handler's
 * effect, or the confirmed retry or dead-letter publish); if that publish fails it is returned to
 * the queue, whose broker-side delivery limit still bounds the loop. Nothing a handler throws,
 * {@code Error}s included, ends the worker.
 */
final class WorkQueueConsumer extends DefaultConsumer {
    private static final Logger LOGGER = LoggerFactory.getLogger(WorkQueueConsumer.class);

    private final String queue;
    private final QueuePolicy policy;
    private final WorkHandler handler;
    private final FailureRouter router;
    private final EnvelopeSigner signer;
    private final QueueActivity activity;
    private final Clock clock;
    private final BlockingQueue<Delivery> pending = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean cancelledByBroker;
    private volatile boolean stopped;

    WorkQueueConsumer(Channel channel, String queue, QueuePolicy policy, WorkHandler handler, FailureRouter router,
                      EnvelopeSigner signer, QueueActivity activity, Clock clock, String workerName) {
        super(channel);
        this.queue = queue;
        this.policy = policy;
        this.handler = handler;
        this.router = router;
        this.signer = signer;
        this.activity = activity;
        this.clock = clock;
        this.worker = new Thread(this::work, workerName);
        this.worker.setDaemon(true);
        this.worker.start();
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties properties, byte[] body) {
        pending.add(new Delivery(envelope.getDeliveryTag(), envelope.getRoutingKey(),
            properties != null ? properties : new AMQP.BasicProperties(), body));
    }

    /** The broker cancelled us (queue deleted, node lost, quorum leader moved): the supervisor subscribes again. */
    @Override
    public void handleCancel(String consumerTag) {
        LOGGER.warn("RabbitMQ cancelled the consumer of {}; it will be replaced", queue);
        cancelledByBroker = true;
    }

    @Override
    public void handleShutdownSignal(String consumerTag, ShutdownSignalException signal) {
        if (!signal.isHardError()) {
            // A channel-level error: the client library does not recover channels closed this way.
            LOGGER.warn("Channel consuming {} closed: {}; the consumer will be replaced", queue, signal.getReason());
        }
    }

    /**
     * False once this consumer can take no more work and must be replaced: cancelled by the broker,
     * its worker gone, or its channel closed while the connection is up (during a connection
     * recovery the client library brings the channel back itself).
     */
    boolean alive() {
        Channel channel = getChannel();
        boolean channelLost = !channel.isOpen() && channel.getConnection().isOpen();
        return !stopped && !cancelledByBroker && worker.isAlive() && !channelLost;
    }

    /** Stops the worker; deliveries it had not settled return to the queue when the channel closes. */
    void stop() {
        stopped = true;
        worker.interrupt();
        pending.clear();
    }

    private void work() {
        while (!stopped) {
            try {
                process(nextBatch());
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                // process() settles every delivery itself; this is a last resort so the worker never ends.
                LOGGER.error("Worker of {} hit an unexpected failure; its unsettled messages return to the queue", queue, e);
            }
        }
    }

    private List<Delivery> nextBatch() throws InterruptedException {
        WorkHandler.Batching batching = handler.batching();
        List<Delivery> batch = new ArrayList<>();
        batch.add(pending.take());
        long deadline = System.nanoTime() + batching.linger().toNanos();
        while (batch.size() < batching.maxSize()) {
            Delivery next = pending.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (next == null) {
                break;
            }
            batch.add(next);
        }
        return batch;
    }

    private void process(List<Delivery> batch) {
        if (!getChannel().isOpen()) {
            // Buffered before the channel closed: the broker redelivers them, and working on these copies
            // would only race that redelivery (their acks could not be sent anyway).
            return;
        }
        batch.forEach(delivery -> activity.pickedUp(delivery, clock.instant()));
        List<Delivery> signed = new ArrayList<>();
        for (Delivery delivery : batch) {
            try {
                signer.verify(delivery.properties(), delivery.body());
                signed.add(delivery);
            } catch (InvalidEnvelopeException e) {
                // Access to the broker alone must not let anyone relay or read another user's stored message.
                settle(delivery, Outcome.reject(e.getMessage()));
            }
        }
        if (signed.isEmpty()) {
            return;
        }
        List<Outcome> outcomes = outcomesOf(signed);
        for (int i = 0; i < signed.size(); i++) {
            settle(signed.get(i), outcomes.get(i));
        }
    }

    private List<Outcome> outcomesOf(List<Delivery> batch) {
        try {
            List<Outcome> outcomes = handler.handle(Collections.unmodifiableList(batch));
            if (outcomes.size() != batch.size()) {
                throw new IllegalStateException("handler returned " + outcomes.size() + " outcomes for " + batch.size() + " messages");
            }
            return outcomes;
        } catch (Throwable e) {
            // StackOverflowError from one message's MIME, OutOfMemoryError from one parse, a bug: that batch fails, nothing else.
            String reason = FailureRouter.describe(e);
            LOGGER.warn("Handler of {} failed for {} message(s): {}", queue, batch.size(), reason, e);
            return Collections.nCopies(batch.size(), Outcome.retry(reason));
        }
    }

    private void settle(Delivery delivery, Outcome outcome) {
        boolean durable;
        try {
            makeDurable(delivery, outcome);
            durable = true;
        } catch (Throwable e) {
            LOGGER.error("Cannot retry or dead-letter a message of {} ({}), returning it to the queue: {}", queue,
                delivery.properties().getMessageId(), FailureRouter.describe(e));
            durable = false;
        }
        try {
            if (durable) {
                getChannel().basicAck(delivery.deliveryTag(), false);
                activity.settled(clock.instant());
            } else {
                getChannel().basicNack(delivery.deliveryTag(), false, true);
            }
        } catch (IOException | RuntimeException e) {
            // The broker requeues unacked messages of a closed channel; idempotent handlers make the repeat harmless.
            LOGGER.info("Channel of {} closed before a message was settled; the broker will redeliver it", queue);
        }
    }

    private void makeDurable(Delivery delivery, Outcome outcome) throws Exception {
        if (outcome instanceof Outcome.Retry retry) {
            Optional<Duration> delay = FailureRouter.nextDelay(policy, delivery, clock.instant());
            if (delay.isPresent()) {
                router.retry(queue, policy, delay.get(), delivery);
                LOGGER.warn("Message {} of {} failed (attempt {}, next in {} ms): {}", delivery.properties().getMessageId(),
                    queue, delivery.attempt() + 1, delay.get().toMillis(), retry.reason());
                return;
            }
            String reason = FailureRouter.givingUp(policy, delivery, retry.reason());
            handler.beforeDeadLetter(delivery, reason);
            router.deadLetter(queue, delivery, reason);
            LOGGER.error("Message {} of {} dead-lettered: {}", delivery.properties().getMessageId(), queue, reason);
        } else if (outcome instanceof Outcome.Reject reject) {
            router.deadLetter(queue, delivery, reject.reason());
            LOGGER.warn("Message {} of {} rejected to the dead-letter queue: {}", delivery.properties().getMessageId(),
                queue, reject.reason());
        }
    }
}
