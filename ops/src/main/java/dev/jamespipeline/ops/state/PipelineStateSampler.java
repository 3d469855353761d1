package dev.jamespipeline.ops.state;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.inject.Inject;
import javax.inject.Singleton;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.ManagementApi;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.ops.BackpressureSettings;
import dev.jamespipeline.core.runtime.WorkQueueRuntime;
import dev.jamespipeline.ops.backpressure.Backpressure;
import dev.jamespipeline.ops.backpressure.BackpressureStatus;
import dev.jamespipeline.outbound.OutboundWorkers;
import dev.jamespipeline.stages.StageWorkers;

/**
 * The one reader of the pipeline's state: every {@code sampler.interval.ms}, on a thread of its own,
 * it reads each work queue (with its retry tiers and dead-letter queue) on a connection of its own
 * that never publishes (a blocked connection stops answering), the management API when configured,
 * this node's consumers, the publisher connection's blocked state and the message store's room; then
 * lets {@link Backpressure} decide, and keeps the result as the current {@link PipelineState}. Routes,
 * gauges, the SMTP hook and the health check read that snapshot and never ask the broker themselves.
 */
@Singleton
public class PipelineStateSampler implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(PipelineStateSampler.class);
    static final String CONNECTION_NAME = "james-pipeline-sampler";

    private final PipelineConfiguration configuration;
    private final Topology topology;
    private final ConfirmedPublisher publisher;
    private final StageWorkers stageWorkers;
    private final OutboundWorkers outboundWorkers;
    private final StoreSpace storeSpace;
    private final Clock clock;
    private final Optional<ManagementApi> management;
    private final Backpressure backpressure;
    private final Map<String, Deque<Point>> deadLetterHistory = new HashMap<>();
    private final Map<String, Point> lastSettled = new HashMap<>();
    private final Map<String, Instant> backlogSince = new HashMap<>();
    private final BrokerConnection connection;
    private ScheduledExecutorService schedule;
    private volatile PipelineState current;

    private record Point(Instant at, long value) {
    }

    @Inject
    public PipelineStateSampler(PipelineConfiguration configuration, Topology topology, ConfirmedPublisher publisher,
                                StageWorkers stageWorkers, OutboundWorkers outboundWorkers, StoreSpace storeSpace, Clock clock) {
        this.configuration = configuration;
        this.topology = topology;
        this.publisher = publisher;
        this.stageWorkers = stageWorkers;
        this.outboundWorkers = outboundWorkers;
        this.storeSpace = storeSpace;
        this.clock = clock;
        this.management = configuration.managementUri().map(uri -> new ManagementApi(uri, configuration));
        List<String> stageQueues = configuration.stages().stream().map(topology::stageQueue).toList();
        Map<String, Boolean> queues = new LinkedHashMap<>();
        queueNames().forEach(queue -> queues.put(queue, stageQueues.contains(queue)));
        this.backpressure = new Backpressure(configuration.backpressure(), configuration.backpressure().thresholdsOf(queues));
        this.connection = new BrokerConnection(configuration, topology, CONNECTION_NAME);
        this.current = PipelineState.notSampledYet(clock.instant(), interval(), management.isPresent());
    }

    /** Every work queue the state covers: the stage queues, the outbound queue, the index queue. */
    public List<String> queueNames() {
        List<String> names = new ArrayList<>(topology.workQueues());
        names.add(topology.indexQueue());
        return names;
    }

    public PipelineState current() {
        return current;
    }

    public synchronized void start() {
        if (schedule != null) {
            return;
        }
        schedule = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "james-pipeline-state-sampler");
            thread.setDaemon(true);
            return thread;
        });
        schedule.scheduleWithFixedDelay(this::sampleSafely, 0, interval().toMillis(), TimeUnit.MILLISECONDS);
    }

    private Duration interval() {
        return configuration.backpressure().sampleInterval();
    }

    private void sampleSafely() {
        try {
            current = sample();
        } catch (RuntimeException e) {
            // The schedule would stop for good on an exception; the next sample tries again.
            LOGGER.warn("Sampling the pipeline state failed", e);
        }
    }

    PipelineState sample() {
        Instant now = clock.instant();
        List<String> errors = new ArrayList<>();
        Map<String, JsonNode> managed = managementQueues(errors);
        Map<String, WorkQueueRuntime.QueueState> local = new HashMap<>();
        stageWorkers.states().forEach(state -> local.put(state.queue(), state));
        outboundWorkers.states().forEach(state -> local.put(state.queue(), state));

        List<PipelineState.QueueSample> queues = new ArrayList<>();
        boolean reachable = true;
        try {
            Connection opened = connection.get();
            QueueCounts counts = new QueueCounts(opened);
            try {
                for (String queue : queueNames()) {
                    queues.add(queueSample(queue, counts, managed.get(queue), local.get(queue), now));
                }
            } finally {
                counts.close();
            }
        } catch (IOException | ShutdownSignalException e) {
            reachable = false;
            errors.add("RabbitMQ: " + e.getMessage());
            queues.clear();
        }
        Optional<String> blocked = publisher.blockedReason();
        Alarms alarms = alarms(errors);
        PipelineState.BrokerSample broker = new PipelineState.BrokerSample(reachable, blocked.isPresent(), blocked.orElse(null),
            alarms.memory(), alarms.disk());
        PipelineState.StoreSample store = PipelineState.StoreSample.UNKNOWN;
        try {
            store = storeSpace.measure();
        } catch (IOException | RuntimeException e) {
            errors.add("message store: " + e.getMessage());
        }
        BackpressureStatus status = backpressure.evaluate(queues, broker, store, now);
        List<PipelineState.QueueSample> marked = queues.stream()
            .map(queue -> queue.withBackpressure(status.refusal().isPresent()
                && status.reasons().stream().anyMatch(reason -> reason.subject().equals(queue.name()))))
            .toList();
        return new PipelineState(now, interval(), management.isPresent(), marked, broker, store, status, errors);
    }

    private PipelineState.QueueSample queueSample(String queue, QueueCounts counts, JsonNode managed,
                                                  WorkQueueRuntime.QueueState local, Instant now) throws IOException {
        String kind = queue.equals(topology.indexQueue()) ? "index" : queue.equals(topology.outboundQueue()) ? "outbound" : "stage";
        Optional<QueueCounts.Counts> work = counts.of(queue);
        if (work.isEmpty()) {
            return new PipelineState.QueueSample(queue, kind, false, 0, null, 0, null, null, null, null, 0,
                new PipelineState.DeadLetterSample(topology.deadLetterQueue(queue), 0, null), false, null, null);
        }
        long ready = work.get().ready();
        long retries = 0;
        for (int tier = 0; tier < topology.policyOf(queue).retryDelays().size(); tier++) {
            retries += counts.of(topology.retryQueue(queue, tier)).map(QueueCounts.Counts::ready).orElse(0L);
        }
        String deadLetterQueue = topology.deadLetterQueue(queue);
        long deadLetters = counts.of(deadLetterQueue).map(QueueCounts.Counts::ready).orElse(0L);

        Long unacked = managed == null ? null : managed.path("messages_unacknowledged").asLong();
        Double publishRate = managed == null ? null : managed.path("message_stats").path("publish_details").path("rate").asDouble(0);
        Double ackRate;
        if (managed == null) {
            ackRate = localAckRate(queue, local, now);
        } else {
            ackRate = managed.path("message_stats").path("ack_details").path("rate").asDouble(0);
        }

        if (ready == 0) {
            backlogSince.remove(queue);
        } else {
            backlogSince.putIfAbsent(queue, now);
        }
        Double lag = null;
        String lagSource = null;
        JsonNode head = managed == null ? null : managed.get("head_message_timestamp");
        if (ready == 0) {
            lag = 0.0;
        } else if (head != null && head.isNumber()) {
            lag = Math.max(0, now.getEpochSecond() - head.asLong()) * 1.0;
            lagSource = "head-timestamp";
        } else if (local != null) {
            Instant waitingSince = later(local.activity().lastSettled(), backlogSince.get(queue));
            lag = Math.max(seconds(Duration.between(waitingSince, now)), seconds(local.activity().lastPickupAge()));
            lagSource = "consumers";
        } else {
            lag = seconds(Duration.between(backlogSince.get(queue), now));
            lagSource = "backlog";
        }
        String behind = local == null ? null
            : local.activity().behind(ready, local.policy().oldestMessageAlarm(), now).orElse(null);
        return new PipelineState.QueueSample(queue, kind, true, ready, unacked, work.get().consumers(), publishRate, ackRate, lag,
            lagSource, retries, new PipelineState.DeadLetterSample(deadLetterQueue, deadLetters,
                growthPerMinute(deadLetterQueue, deadLetters, now)),
            false, local == null ? null : local.liveConsumers(), behind);
    }

    /** This node's settled deliveries per second since the previous sample; null where this node runs no consumer. */
    private Double localAckRate(String queue, WorkQueueRuntime.QueueState local, Instant now) {
        if (local == null) {
            return null;
        }
        Point previous = lastSettled.put(queue, new Point(now, local.activity().settledCount()));
        if (previous == null || !now.isAfter(previous.at())) {
            return 0.0;
        }
        return (local.activity().settledCount() - previous.value()) / seconds(Duration.between(previous.at(), now));
    }

    /** Change of the depth over the rate window (or as much of it as has been sampled), per minute. */
    private Double growthPerMinute(String deadLetterQueue, long depth, Instant now) {
        Deque<Point> history = deadLetterHistory.computeIfAbsent(deadLetterQueue, name -> new ArrayDeque<>());
        history.addLast(new Point(now, depth));
        Instant windowStart = now.minus(configuration.backpressure().rateWindow());
        while (history.size() > 2 && history.peekFirst().at().isBefore(windowStart)) {
            history.removeFirst();
        }
        Point oldest = history.peekFirst();
        if (oldest == null || !now.isAfter(oldest.at())) {
            return null;
        }
        return (depth - oldest.value()) * 60.0 / seconds(Duration.between(oldest.at(), now));
    }

    /** The management API's view of the pipeline's queues, by name; empty without it or when it fails. */
    private Map<String, JsonNode> managementQueues(List<String> errors) {
        Map<String, JsonNode> byName = new HashMap<>();
        if (management.isEmpty()) {
            return byName;
        }
        try {
            for (JsonNode queue : management.get().get("queues/" + management.get().vhostSegment())) {
                byName.put(queue.path("name").asText(), queue);
            }
        } catch (IOException | RuntimeException e) {
            errors.add("management API queues: " + e.getMessage());
        }
        return byName;
    }

    /** Memory and disk alarms of any node of the cluster; unknown (nulls) without the management API or when it fails. */
    private Alarms alarms(List<String> errors) {
        if (management.isEmpty()) {
            return Alarms.UNKNOWN;
        }
        try {
            boolean memory = false;
            boolean disk = false;
            for (JsonNode node : management.get().get("nodes")) {
                memory |= node.path("mem_alarm").asBoolean(false);
                disk |= node.path("disk_free_alarm").asBoolean(false);
            }
            return new Alarms(memory, disk);
        } catch (IOException | RuntimeException e) {
            errors.add("management API nodes (the user needs the monitoring tag): " + e.getMessage());
            return Alarms.UNKNOWN;
        }
    }

    private record Alarms(Boolean memory, Boolean disk) {
        static final Alarms UNKNOWN = new Alarms(null, null);
    }

    private static Instant later(Instant a, Instant b) {
        return b == null || a.isAfter(b) ? a : b;
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }

    @Override
    public synchronized void close() {
        if (schedule != null) {
            schedule.shutdownNow();
            schedule = null;
        }
        connection.close();
    }

    /**
     * Passive declarations on one channel, replaced when a missing queue makes the broker close it
     * (the index queue exists only where an indexer declared it).
     */
    private static final class QueueCounts {
        private final Connection connection;
        private Channel channel;

        record Counts(long ready, long consumers) {
        }

        QueueCounts(Connection connection) {
            this.connection = connection;
        }

        Optional<Counts> of(String queue) throws IOException {
            if (channel == null || !channel.isOpen()) {
                channel = connection.createChannel();
                if (channel == null) {
                    throw new IOException("no channel available on the sampler's connection");
                }
            }
            try {
                AMQP.Queue.DeclareOk declared = channel.queueDeclarePassive(queue);
                return Optional.of(new Counts(declared.getMessageCount(), declared.getConsumerCount()));
            } catch (IOException e) {
                if (!channel.isOpen() && connection.isOpen()) {
                    return Optional.empty();
                }
                throw e;
            }
        }

        void close() {
            try {
                if (channel != null && channel.isOpen()) {
                    channel.close();
                }
            } catch (IOException | TimeoutException | RuntimeException ignored) {
                // closing a channel the broker already closed
            }
        }
    }
}
