package dev.jamespipeline.core.runtime;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

/**
 * Why a runtime's work queues are not being worked off, for a James health check: a queue with no
 * live consumer (mail would wait forever while SMTP keeps answering 250), or one whose oldest
 * messages are older than its policy's {@code oldest.message.alarm.ms}.
 */
public final class WorkQueueHealth {
    private final WorkQueueRuntime runtime;
    private final Clock clock;

    public WorkQueueHealth(WorkQueueRuntime runtime, Clock clock) {
        this.runtime = runtime;
        this.clock = clock;
    }

    /** @return one line per problem; empty when every queue has consumers and keeps up */
    public List<String> problems() throws IOException {
        List<String> problems = new ArrayList<>();
        Connection connection = runtime.connection().get();
        for (WorkQueueRuntime.QueueState state : runtime.states()) {
            if (state.liveConsumers() == 0) {
                problems.add(state.queue() + " has no consumer (of " + state.policy().concurrency() + ")");
            }
            // A channel per queue: a failed passive declaration (the queue is gone) closes its channel.
            try (Channel channel = connection.createChannel()) {
                long ready = channel.queueDeclarePassive(state.queue()).getMessageCount();
                state.activity().behind(ready, state.policy().oldestMessageAlarm(), clock.instant())
                    .ifPresent(behind -> problems.add(state.queue() + ": " + behind));
            } catch (IOException | TimeoutException | RuntimeException e) {
                problems.add(state.queue() + " cannot be inspected: " + FailureRouter.describe(e));
            }
        }
        return problems;
    }
}
