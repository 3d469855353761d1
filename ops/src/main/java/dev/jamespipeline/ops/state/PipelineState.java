package dev.jamespipeline.ops.state;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.jamespipeline.ops.backpressure.BackpressureStatus;

/**
 * One sample of the pipeline, as {@link PipelineStateSampler} last took it; everything that reports or
 * acts on the pipeline's state reads this (docs/pipeline-state.md describes every field).
 *
 * @param errors what this sample could not read, one line each (its fields stay null)
 */
public record PipelineState(Instant sampledAt, Duration interval, boolean managementApi, List<QueueSample> queues,
                            BrokerSample broker, StoreSample store, BackpressureStatus backpressure, List<String> errors) {

    public PipelineState {
        queues = List.copyOf(queues);
        errors = List.copyOf(errors);
    }

    public static final String NOT_SAMPLED_YET = "not sampled yet";

    /** Before the first sample: nothing known, nothing refused. */
    static PipelineState notSampledYet(Instant now, Duration interval, boolean managementApi) {
        return new PipelineState(now, interval, managementApi, List.of(), new BrokerSample(false, false, null, null, null),
            StoreSample.UNKNOWN, BackpressureStatus.NORMAL, List.of(NOT_SAMPLED_YET));
    }

    public Optional<QueueSample> queue(String name) {
        return queues.stream().filter(queue -> queue.name().equals(name)).findFirst();
    }

    /**
     * One work queue. Boxed fields are null when unknown in this configuration (see docs/pipeline-state.md).
     *
     * @param kind           {@code stage}, {@code outbound} or {@code index}
     * @param localConsumers this node's live consumers of the queue, null when this node runs none
     * @param behind         why this node's consumers are behind their {@code oldest.message.alarm.ms}, null when they keep up
     */
    public record QueueSample(String name, String kind, boolean exists, long ready, Long unacked, long consumers,
                              Double publishRate, Double ackRate, Double lagSeconds, String lagSource, long retryMessages,
                              DeadLetterSample deadLetters, boolean backpressure, Integer localConsumers, String behind) {

        QueueSample withBackpressure(boolean holding) {
            return new QueueSample(name, kind, exists, ready, unacked, consumers, publishRate, ackRate, lagSeconds, lagSource,
                retryMessages, deadLetters, holding, localConsumers, behind);
        }
    }

    /** @param growthPerMinute change of the depth over the rate window, per minute; null until two samples exist */
    public record DeadLetterSample(String name, long messages, Double growthPerMinute) {
    }

    /** @param memoryAlarm, diskAlarm from the management API, null without it */
    public record BrokerSample(boolean reachable, boolean blocked, String blockedReason, Boolean memoryAlarm, Boolean diskAlarm) {
    }

    /**
     * The message store's room. {@code backend} {@code file}: the file system of {@code store.root};
     * {@code postgres}: only the database's size, the server's disk cannot be read over SQL.
     */
    public record StoreSample(String backend, String location, Long freeBytes, Long totalBytes, Long freeInodes,
                              Long totalInodes, Long databaseBytes) {
        static final StoreSample UNKNOWN = new StoreSample(null, null, null, null, null, null, null);
    }
}
