package dev.jamespipeline.ops.state;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import javax.inject.Inject;

import org.apache.james.metrics.api.GaugeRegistry;

import dev.jamespipeline.ops.backpressure.BackpressureStatus;

/**
 * The pipeline state as James gauges, read from the sampler's snapshot (never from the broker), so
 * WebAdmin's Prometheus {@code /metrics} carries them. Names in docs/pipeline-state.md; an unknown
 * value is NaN.
 */
public class PipelineStateGauges {
    static final List<String> REASON_KINDS = List.of("depth", "lag", "dlq_growth", "broker_blocked", "broker_alarm",
        "store_bytes", "store_inodes");

    private final GaugeRegistry registry;
    private final PipelineStateSampler sampler;

    @Inject
    public PipelineStateGauges(GaugeRegistry registry, PipelineStateSampler sampler) {
        this.registry = registry;
        this.sampler = sampler;
    }

    public void register() {
        for (String queue : sampler.queueNames()) {
            String prefix = "pipeline.queue." + queue + ".";
            queueGauge(prefix + "ready", queue, sample -> (double) sample.ready());
            queueGauge(prefix + "unacked", queue, sample -> toDouble(sample.unacked()));
            queueGauge(prefix + "consumers", queue, sample -> (double) sample.consumers());
            queueGauge(prefix + "publish.rate", queue, PipelineState.QueueSample::publishRate);
            queueGauge(prefix + "ack.rate", queue, PipelineState.QueueSample::ackRate);
            queueGauge(prefix + "lag.seconds", queue, PipelineState.QueueSample::lagSeconds);
            queueGauge(prefix + "retry.messages", queue, sample -> (double) sample.retryMessages());
            queueGauge(prefix + "dlq.messages", queue, sample -> (double) sample.deadLetters().messages());
            queueGauge(prefix + "dlq.growth.per.minute", queue, sample -> sample.deadLetters().growthPerMinute());
            queueGauge(prefix + "backpressure", queue, sample -> sample.backpressure() ? 1.0 : 0.0);
        }
        gauge("pipeline.broker.reachable", state -> flag(state.broker().reachable()));
        gauge("pipeline.broker.blocked", state -> flag(state.broker().blocked()));
        gauge("pipeline.broker.memory.alarm", state -> flag(state.broker().memoryAlarm()));
        gauge("pipeline.broker.disk.alarm", state -> flag(state.broker().diskAlarm()));
        gauge("pipeline.store.free.bytes", state -> toDouble(state.store().freeBytes()));
        gauge("pipeline.store.total.bytes", state -> toDouble(state.store().totalBytes()));
        gauge("pipeline.store.free.inodes", state -> toDouble(state.store().freeInodes()));
        gauge("pipeline.store.total.inodes", state -> toDouble(state.store().totalInodes()));
        gauge("pipeline.store.database.bytes", state -> toDouble(state.store().databaseBytes()));
        gauge("pipeline.backpressure.state", state -> switch (state.backpressure().state()) {
            case BackpressureStatus.REFUSING_STATE -> 2.0;
            case BackpressureStatus.SLOWING_STATE -> 1.0;
            default -> 0.0;
        });
        for (String kind : REASON_KINDS) {
            gauge("pipeline.backpressure.reason." + kind, state -> flag(state.backpressure().refusal().isPresent()
                && state.backpressure().reasons().stream().anyMatch(reason -> reason.kind().equals(kind))));
        }
        gauge("pipeline.state.sample.age.seconds",
            state -> Duration.between(state.sampledAt(), Instant.now()).toMillis() / 1000.0);
        gauge("pipeline.state.sample.errors", state -> (double) state.errors().size());
    }

    private void queueGauge(String name, String queue, Function<PipelineState.QueueSample, Double> value) {
        gauge(name, state -> {
            Optional<PipelineState.QueueSample> sample = state.queue(queue).filter(PipelineState.QueueSample::exists);
            return sample.map(value).orElse(null);
        });
    }

    private void gauge(String name, Function<PipelineState, Double> value) {
        registry.register(name, () -> {
            Double read = value.apply(sampler.current());
            return read == null ? Double.NaN : read;
        });
    }

    private static Double flag(Boolean value) {
        return value == null ? null : value ? 1.0 : 0.0;
    }

    private static Double toDouble(Long value) {
        return value == null ? null : value.doubleValue();
    }
}
