package dev.jamespipeline.ops;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.inject.Inject;
import javax.inject.Named;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.ConnectionNames;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.outbound.OutboundWorkers;
import dev.jamespipeline.stages.StageWorkers;

/**
 * James health check ({@code GET /healthcheck/checks/RabbitMQPipeline}, listed in
 * {@code healthcheck.properties}): unhealthy when SMTP would answer 451 because of the broker
 * (unreachable, or blocking publishes on a resource alarm), and when mail answered 250 is not
 * being worked off (a stage or outbound queue with no consumer, or messages older than its policy's
 * {@code oldest.message.alarm.ms}); degraded while a dead-letter queue holds messages; healthy
 * otherwise.
 */
public class PipelineHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("RabbitMQPipeline");

    private final BrokerConnection connection;
    private final ConfirmedPublisher publisher;
    private final Topology topology;
    private final StageWorkers stageWorkers;
    private final OutboundWorkers outboundWorkers;

    @Inject
    public PipelineHealthCheck(@Named(ConnectionNames.PUBLISHER) BrokerConnection connection,
                               ConfirmedPublisher publisher, Topology topology, StageWorkers stageWorkers,
                               OutboundWorkers outboundWorkers) {
        this.connection = connection;
        this.publisher = publisher;
        this.topology = topology;
        this.stageWorkers = stageWorkers;
        this.outboundWorkers = outboundWorkers;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(this::evaluate).subscribeOn(Schedulers.boundedElastic());
    }

    private Result evaluate() {
        Optional<String> blocked = publisher.blockedReason();
        if (blocked.isPresent()) {
            return Result.unhealthy(COMPONENT, "RabbitMQ blocks publishes (" + blocked.get() + "): SMTP answers 451");
        }
        try {
            Connection opened = connection.get();
            if (!opened.isOpen()) {
                return Result.unhealthy(COMPONENT, "connection to RabbitMQ at " + connection.endpoint()
                    + " is down and recovering: SMTP answers 451");
            }
            List<String> stalled = new ArrayList<>(stageWorkers.health().problems());
            stalled.addAll(outboundWorkers.problems());
            if (!stalled.isEmpty()) {
                return Result.unhealthy(COMPONENT, "mail is not being processed: " + String.join("; ", stalled));
            }
            List<String> deadLettered = deadLetterCounts(opened);
            return deadLettered.isEmpty()
                ? Result.healthy(COMPONENT)
                : Result.degraded(COMPONENT, "dead-lettered messages waiting: " + String.join(", ", deadLettered)
                    + " (reason in header x-pipeline-dead-letter-reason)");
        } catch (IOException | RuntimeException | java.util.concurrent.TimeoutException e) {
            return Result.unhealthy(COMPONENT, "RabbitMQ unreachable: " + e.getMessage() + ": SMTP answers 451");
        }
    }

    private List<String> deadLetterCounts(Connection opened) throws IOException, java.util.concurrent.TimeoutException {
        List<String> nonEmpty = new ArrayList<>();
        try (Channel channel = opened.createChannel()) {
            for (String workQueue : topology.workQueues()) {
                String deadLetters = topology.deadLetterQueue(workQueue);
                int count = channel.queueDeclarePassive(deadLetters).getMessageCount();
                if (count > 0) {
                    nonEmpty.add(deadLetters + "=" + count);
                }
            }
        }
        return nonEmpty;
    }
}
