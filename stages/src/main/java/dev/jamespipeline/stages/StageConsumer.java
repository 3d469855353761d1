package dev.jamespipeline.stages;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.AlreadyClosedException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

import dev.jamespipeline.core.broker.FailureRouter;
import dev.jamespipeline.core.broker.FailureRouter.QueuedMessage;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.InvalidEnvelopeException;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;

/**
 * Consumes one stage's work queue on one channel. Acks only after the stage's effects, or the
 * retry/dead-letter publish that replaces them, are durable. If even that publish fails, the
 * message is returned to the queue (the broker's delivery limit still bounds the loop).
 */
final class StageConsumer extends DefaultConsumer {
    private static final Logger LOGGER = LoggerFactory.getLogger(StageConsumer.class);

    private final String stage;
    private final String workQueue;
    private final EnvelopeCodec codec;
    private final StageRunner runner;
    private final FailureRouter failures;
    private final DeadLetterNotice notice;

    StageConsumer(Channel channel, String stage, String workQueue, EnvelopeCodec codec, StageRunner runner,
                  FailureRouter failures, DeadLetterNotice notice) {
        super(channel);
        this.stage = stage;
        this.workQueue = workQueue;
        this.codec = codec;
        this.runner = runner;
        this.failures = failures;
        this.notice = notice;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope delivery, AMQP.BasicProperties properties, byte[] body) {
        if (!getChannel().isOpen()) {
            // Buffered before the connection dropped: the broker redelivers it, and working on this
            // copy too would only race that redelivery (its ack could not be sent anyway).
            return;
        }
        boolean settled;
        try {
            handle(properties, body);
            settled = true;
        } catch (PublishException | RuntimeException e) {
            LOGGER.error("Stage {}: cannot retry or dead-letter a message, returning it to {}: {}", stage, workQueue,
                e.getMessage());
            settled = false;
        }
        acknowledge(delivery.getDeliveryTag(), settled);
    }

    /** Returns normally once the message's outcome (done, retry scheduled, dead-lettered) is durable. */
    private void handle(AMQP.BasicProperties properties, byte[] body) throws PublishException {
        QueuedMessage original = new QueuedMessage(properties, body);
        ReceivedEnvelope envelope;
        try {
            envelope = codec.decodeReceived(body);
        } catch (InvalidEnvelopeException e) {
            LOGGER.warn("Dead-lettering an invalid envelope from {}: {}", workQueue, e.getMessage());
            failures.deadLetter(workQueue, original, "invalid envelope: " + e.getMessage());
            return;
        }
        if (!stage.equals(envelope.stage())) {
            failures.deadLetter(workQueue, original,
                "envelope is addressed to stage '" + envelope.stage() + "' but arrived in " + workQueue);
            return;
        }
        try {
            runner.run(envelope, new String(body, StandardCharsets.UTF_8));
        } catch (Exception e) {
            QueuedMessage retry = new QueuedMessage(properties, codec.encode(envelope.nextAttempt()));
            String reason = "stage failed: " + FailureRouter.describe(e);
            String where = failures.failed(workQueue, envelope.attempt(), original, retry, reason);
            LOGGER.warn("Stage {} failed for {} ({}): {}", stage, envelope.pipelineId(), where, reason, e);
            if (where.startsWith("dead-lettered")) notice.notifySender(envelope, reason);
        }
    }

    private void acknowledge(long deliveryTag, boolean settled) {
        try {
            if (settled) {
                getChannel().basicAck(deliveryTag, false);
            } else {
                getChannel().basicNack(deliveryTag, false, true);
            }
        } catch (IOException | AlreadyClosedException e) {
            // The broker requeues unacked messages of a closed channel; the ledger makes the repeat harmless.
            LOGGER.info("Stage {}: channel closed before the message was settled, the broker will redeliver it", stage);
        }
    }
}
