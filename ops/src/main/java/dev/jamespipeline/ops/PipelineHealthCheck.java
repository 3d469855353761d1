package dev.jamespipeline.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.reactivestreams.Publisher;

import reactor.core.publisher.Mono;

import dev.jamespipeline.ops.state.PipelineState;
import dev.jamespipeline.ops.state.PipelineStateSampler;

/**
 * James health check ({@code GET /healthcheck/checks/RabbitMQPipeline}, listed in
 * {@code healthcheck.properties}), read from the pipeline state sampler's last snapshot: unhealthy when
 * SMTP would answer 451 because of the broker (unreachable, or blocking publishes on a resource alarm),
 * and when mail answered 250 is not being worked off (a stage or outbound queue with no consumer on this node, or
 * messages older than the stage policy's {@code oldest.message.alarm.ms}); degraded while a dead-letter
 * queue holds messages or SMTP backpressure refuses mail; healthy otherwise.
 */
public class PipelineHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT = new ComponentName("RabbitMQPipeline");
    private static final Duration MIN_STALE = Duration.ofSeconds(10);

    private final PipelineStateSampler sampler;

    @Inject
    public PipelineHealthCheck(PipelineStateSampler sampler) {
        this.sampler = sampler;
    }

    /** Three missed samples, and never less than the 10 s a slow broker round trip may take. */
    private static Duration staleAfter(Duration interval) {
        Duration three = interval.multipliedBy(3);
        return three.compareTo(MIN_STALE) > 0 ? three : MIN_STALE;
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT;
    }

    @Override
    public Publisher<Result> check() {
        return Mono.fromCallable(() -> evaluate(sampler.current()));
    }

    private static Result evaluate(PipelineState state) {
        Duration age = Duration.between(state.sampledAt(), Instant.now());
        if (!state.errors().contains(PipelineState.NOT_SAMPLED_YET) && age.compareTo(staleAfter(state.interval())) > 0) {
            // A sample stuck on the broker: what it said last is no longer known to hold.
            return Result.unhealthy(COMPONENT, "the pipeline state was last sampled " + age.toSeconds() + " s ago (every "
                + state.interval().toMillis() + " ms): RabbitMQ does not answer the sampler");
        }
        if (state.broker().blocked()) {
            return Result.unhealthy(COMPONENT, "RabbitMQ blocks publishes (" + state.broker().blockedReason() + "): SMTP answers 451");
        }
        if (!state.broker().reachable()) {
            return state.queues().isEmpty() && state.errors().contains(PipelineState.NOT_SAMPLED_YET)
                ? Result.degraded(COMPONENT, "the pipeline state is " + PipelineState.NOT_SAMPLED_YET)
                : Result.unhealthy(COMPONENT, "RabbitMQ unreachable: " + String.join("; ", state.errors()) + ": SMTP answers 451");
        }
        List<String> stalled = new ArrayList<>();
        List<String> deadLettered = new ArrayList<>();
        for (PipelineState.QueueSample queue : state.queues()) {
            if (queue.localConsumers() != null && queue.localConsumers() == 0) {
                stalled.add(queue.name() + " has no consumer on this node");
            }
            if (queue.behind() != null) {
                stalled.add(queue.name() + ": " + queue.behind());
            }
            if (queue.deadLetters().messages() > 0) {
                deadLettered.add(queue.deadLetters().name() + "=" + queue.deadLetters().messages());
            }
        }
        if (!stalled.isEmpty()) {
            return Result.unhealthy(COMPONENT, "mail is not being processed: " + String.join("; ", stalled));
        }
        List<String> degraded = new ArrayList<>();
        if (!deadLettered.isEmpty()) {
            degraded.add("dead-lettered messages waiting: " + String.join(", ", deadLettered)
                + " (reason in header x-pipeline-dead-letter-reason)");
        }
        state.backpressure().refusal().ifPresent(reason -> degraded.add("SMTP answers " + reason.reply() + ": " + reason.text()));
        return degraded.isEmpty() ? Result.healthy(COMPONENT) : Result.degraded(COMPONENT, String.join("; ", degraded));
    }
}
