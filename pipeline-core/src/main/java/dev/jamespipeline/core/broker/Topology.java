package dev.jamespipeline.core.broker;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.envelope.MailboxChangeEvent;
import dev.jamespipeline.core.envelope.OutboundJob;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.runtime.QueuePolicy;

/**
 * Every exchange, queue and binding of the pipeline, and their declaration. Declaring is
 * idempotent, so every node does it at start-up; nothing is created by hand. All names carry
 * the configured prefix, so several James clusters (or test runs) can share one broker.
 */
public final class Topology {
    private final PipelineConfiguration configuration;
    private final String prefix;
    /** Present when amqp.management.uri is set: queue limits are then policies, not x-arguments. */
    private final Optional<QueueLimitPolicies> limitPolicies;

    public Topology(PipelineConfiguration configuration) {
        this.configuration = configuration;
        this.prefix = configuration.namePrefix();
        this.limitPolicies = configuration.managementUri().map(uri -> new QueueLimitPolicies(uri, configuration));
    }

    public String mailEventsExchange() {
        return prefix + "mail.events";
    }

    public String outboundJobsExchange() {
        return prefix + "outbound.jobs";
    }

    public String securityJobsExchange() {
        return prefix + "security.jobs";
    }

    public String telemetryExchange() {
        return prefix + "telemetry";
    }

    public String configChangedExchange() {
        return prefix + "config.changed";
    }

    public String deadLetterExchange() {
        return prefix + "pipeline.dead-letter";
    }

    /** Direct exchange for stage-to-stage hand-off; the routing key is the stage name. */
    public String stagesExchange() {
        return prefix + "pipeline.stages";
    }

    public String stageQueue(String stage) {
        return prefix + "pipeline.stage." + stage;
    }

    public String retryQueue(String workQueue, int tier) {
        return workQueue + ".retry." + tier;
    }

    /** Every queue where failed messages of {@code workQueue} wait for their next attempt. */
    public List<String> delayQueues(String workQueue) {
        QueuePolicy policy = policyOf(workQueue);
        if (policy.uniformDelayQueues()) {
            return policy.distinctDelays().stream().map(delay -> delayQueue(workQueue, delay)).toList();
        }
        List<String> queues = new ArrayList<>();
        for (int tier = 0; tier < policy.retryDelays().size(); tier++) {
            queues.add(retryQueue(workQueue, tier));
        }
        return queues;
    }

    /** A uniform-TTL delay queue: every message in it goes back to {@code workQueue} after {@code delay}. */
    public String delayQueue(String workQueue, Duration delay) {
        return workQueue + ".delay." + delay.toMillis() + "ms";
    }

    public String deadLetterQueue(String workQueue) {
        return workQueue + ".dlq";
    }

    public String outboundQueue() {
        return prefix + "pipeline.outbound.deliver";
    }

    /** Outbound jobs of mail from the null sender (DSNs): consumed apart, so they and user mail never starve each other. */
    public String systemOutboundQueue() {
        return prefix + "pipeline.outbound.system";
    }

    /** Fed with mail.delivered and mailbox.* events; declared only where the search indexer runs. */
    public String indexQueue() {
        return prefix + "pipeline.index";
    }

    /** Every queue consumers take work from: one per stage, and the outbound queue. */
    public List<String> workQueues() {
        List<String> queues = new ArrayList<>();
        for (String stage : configuration.stages()) {
            queues.add(stageQueue(stage));
        }
        queues.add(outboundQueue());
        queues.add(systemOutboundQueue());
        return queues;
    }

    /** How {@code workQueue} is consumed and retried: its kind's policy from pipeline.properties. */
    public QueuePolicy policyOf(String workQueue) {
        if (workQueue.equals(indexQueue())) {
            return configuration.indexPolicy();
        }
        if (workQueue.equals(outboundQueue()) || workQueue.equals(systemOutboundQueue())) {
            return configuration.outboundPolicy();
        }
        return configuration.stagePolicy();
    }

    public void declare(Channel channel) throws IOException {
        channel.exchangeDeclare(mailEventsExchange(), BuiltinExchangeType.TOPIC, true);
        channel.exchangeDeclare(outboundJobsExchange(), BuiltinExchangeType.TOPIC, true);
        channel.exchangeDeclare(securityJobsExchange(), BuiltinExchangeType.TOPIC, true);
        channel.exchangeDeclare(telemetryExchange(), BuiltinExchangeType.TOPIC, true);
        channel.exchangeDeclare(configChangedExchange(), BuiltinExchangeType.FANOUT, true);
        channel.exchangeDeclare(deadLetterExchange(), BuiltinExchangeType.DIRECT, true);
        channel.exchangeDeclare(stagesExchange(), BuiltinExchangeType.DIRECT, true);

        List<String> stages = configuration.stages();
        for (String stage : stages) {
            String queue = stageQueue(stage);
            declareWorkQueue(channel, queue);
            channel.queueBind(queue, stagesExchange(), stage);
        }
        channel.queueBind(stageQueue(configuration.firstStage()), mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY);

        declareWorkQueue(channel, outboundQueue());
        channel.queueBind(outboundQueue(), outboundJobsExchange(), OutboundJob.ROUTING_KEY);
        declareWorkQueue(channel, systemOutboundQueue());
        channel.queueBind(systemOutboundQueue(), outboundJobsExchange(), OutboundJob.SYSTEM_ROUTING_KEY);
    }

    /**
     * The indexer's queue. Only nodes running the indexer declare it: were it declared everywhere,
     * a deployment without search would fill it with mail.delivered events until publishes fail.
     */
    public void declareIndexQueue(Channel channel) throws IOException {
        declare(channel);
        declareWorkQueue(channel, indexQueue());
        channel.queueBind(indexQueue(), mailEventsExchange(), DeliveredEvent.ROUTING_KEY);
        for (MailboxChangeEvent.Kind kind : MailboxChangeEvent.Kind.values()) {
            channel.queueBind(indexQueue(), mailEventsExchange(), kind.routingKey());
        }
    }

    /** A work queue with its dead-letter queue and one delay queue per retry tier. */
    private void declareWorkQueue(Channel channel, String queue) throws IOException {
        QueuePolicy policy = policyOf(queue);
        String deadLetters = deadLetterQueue(queue);
        channel.queueDeclare(deadLetters, true, false, false, typeArguments());
        channel.queueBind(deadLetters, deadLetterExchange(), queue);

        Map<String, Object> arguments = typeArguments();
        arguments.put("x-dead-letter-exchange", deadLetterExchange());
        arguments.put("x-dead-letter-routing-key", queue);
        if (configuration.queueType() == PipelineConfiguration.QueueType.QUORUM) {
            arguments.put("x-dead-letter-strategy", "at-least-once");
        }
        Map<String, Object> limits = limitsOf(policy);
        if (limitPolicies.isPresent()) {
            // Before the declaration, so a new queue is never without its limits.
            limitPolicies.get().apply(queue, limits);
        } else {
            limits.forEach((key, value) -> arguments.put("x-" + key, value));
        }
        channel.queueDeclare(queue, true, false, false, arguments);

        if (policy.uniformDelayQueues()) {
            for (Duration delay : policy.distinctDelays()) {
                Map<String, Object> delayArguments = delayArguments(queue);
                delayArguments.put("x-message-ttl", delay.toMillis());
                channel.queueDeclare(delayQueue(queue, delay), true, false, false, delayArguments);
            }
            return;
        }
        for (int tier = 0; tier < policy.retryDelays().size(); tier++) {
            Map<String, Object> retryArguments = delayArguments(queue);
            // No x-message-ttl: each retry carries its tier's delay as its expiration, so changing
            // the delays in pipeline.properties never means deleting a queue that holds mail.
            channel.queueDeclare(retryQueue(queue, tier), true, false, false, retryArguments);
        }
    }

    /** A delay queue's arguments: expired messages go back to the work queue through the default exchange. */
    private Map<String, Object> delayArguments(String workQueue) {
        Map<String, Object> arguments = typeArguments();
        arguments.put("x-dead-letter-exchange", "");
        arguments.put("x-dead-letter-routing-key", workQueue);
        if (configuration.queueType() == PipelineConfiguration.QueueType.QUORUM) {
            arguments.put("x-dead-letter-strategy", "at-least-once");
            arguments.put("x-overflow", "reject-publish");
        }
        return arguments;
    }

    /** A work queue's limits, by their policy keys (the x-argument of each is the same key after "x-"). */
    private Map<String, Object> limitsOf(QueuePolicy policy) {
        Map<String, Object> limits = new HashMap<>();
        if (configuration.queueType() == PipelineConfiguration.QueueType.QUORUM) {
            // Poison messages that crash consumers are dead-lettered by the broker after this many deliveries.
            limits.put("delivery-limit", policy.deliveryLimit());
        }
        if (policy.maxLength() > 0) {
            limits.put("max-length", policy.maxLength());
        }
        // A full queue refuses (nacks) publishes, which the ingest hook turns into 451: backpressure, not loss.
        limits.put("overflow", "reject-publish");
        return limits;
    }

    private Map<String, Object> typeArguments() {
        Map<String, Object> arguments = new HashMap<>();
        arguments.put("x-queue-type", configuration.queueType().name().toLowerCase());
        return arguments;
    }
}
