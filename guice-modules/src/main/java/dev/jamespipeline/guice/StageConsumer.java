package dev.jamespipeline.guice;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;

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

    StageConsumer(Channel channel, String stage, String workQueue, EnvelopeCodec codec, StageRunner runner,
                  FailureRouter failures) {
        super(channel);
        this.stage = stage;
        this.workQueue = workQueue;
        this.codec = codec;
        this.runner = runner;
        this.failures = failures;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope delivery, AMQP.BasicProperties properties, byte[] body)
            throws IOException {
        long tag = delivery.getDeliveryTag();
        try {
            ReceivedEnvelope envelope;
            try {
                envelope = codec.decodeReceived(body);
            } catch (InvalidEnvelopeException e) {
                LOGGER.warn("Dead-lettering an invalid envelope from {}: {}", workQueue, e.getMessage());
                failures.deadLetter(workQueue, properties, body, "invalid envelope: " + e.getMessage());
                getChannel().basicAck(tag, false);
                return;
            }
            if (!stage.equals(envelope.stage())) {
                failures.deadLetter(workQueue, properties, body,
                    "envelope is addressed to stage '" + envelope.stage() + "' but arrived in " + workQueue);
                getChannel().basicAck(tag, false);
                return;
            }
            try {
                runner.run(envelope);
            } catch (Exception e) {
                String where = failures.stageFailed(workQueue, envelope, properties, body, describe(e));
                LOGGER.warn("Stage {} failed for {} ({}): {}", stage, envelope.pipelineId(), where, describe(e), e);
            }
            getChannel().basicAck(tag, false);
        } catch (PublishException | RuntimeException e) {
            LOGGER.error("Stage {}: cannot retry or dead-letter a message, returning it to {}: {}", stage, workQueue,
                e.getMessage());
            getChannel().basicNack(tag, false, true);
        }
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(e.getClass().getSimpleName()).append(": ").append(e.getMessage());
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(" <- ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }
}
