package dev.jamespipeline.guice;

import java.time.Duration;
import java.util.List;

import com.rabbitmq.client.AMQP;

import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;

/**
 * Where a message goes when its stage failed: the next retry tier (a delay queue whose expired
 * messages flow back into the work queue) while tiers remain, then the work queue's dead-letter
 * queue with the reason. Both publishes are confirmed before the original is acked.
 */
final class FailureRouter {
    private final ConfirmedPublisher publisher;
    private final Topology topology;
    private final EnvelopeCodec codec;
    private final List<Duration> retryDelays;

    FailureRouter(ConfirmedPublisher publisher, Topology topology, EnvelopeCodec codec, List<Duration> retryDelays) {
        this.publisher = publisher;
        this.topology = topology;
        this.codec = codec;
        this.retryDelays = retryDelays;
    }

    /** @return a line for the log saying where the message went */
    String stageFailed(String workQueue, ReceivedEnvelope envelope, AMQP.BasicProperties properties, byte[] body,
                       String reason) throws PublishException {
        int tier = envelope.attempt();
        if (tier < retryDelays.size()) {
            publisher.publish("", topology.retryQueue(workQueue, tier), true,
                properties.builder().deliveryMode(2).build(), codec.encode(envelope.nextAttempt()));
            return "retry " + (tier + 1) + "/" + retryDelays.size() + " in " + retryDelays.get(tier).toMillis() + " ms";
        }
        deadLetter(workQueue, properties, body, "stage failed after " + (tier + 1) + " attempts: " + reason);
        return "dead-lettered after " + (tier + 1) + " attempts";
    }

    void deadLetter(String workQueue, AMQP.BasicProperties properties, byte[] body, String reason) throws PublishException {
        publisher.publish(topology.deadLetterExchange(), workQueue, true,
            MessageProperties.deadLettered(properties, workQueue, reason), body);
    }
}
