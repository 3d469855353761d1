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
        List<WorkQueueRuntime.QueueState> states = runtime.states();
        for (WorkQueueRuntime.QueueState state : states) {
            if (state.liveConsumers() == 0) {
                problems.add(state.queue() + " has no consumer (of " + state.policy().concurrency() + ")");
            }
        }
        Connection connection = runtime.connection().get();
        try (Channel channel = connection.createChannel()) {
            for (WorkQueueRuntime.QueueState state : states) {
                long ready = channel.queueDeclarePassive(state.queue()).getMessageCount();
                state.activity().behind(ready, state.policy().oldestMessageAlarm(), clock.instant())
                    .ifPresent(behind -> problems.add(state.queue() + ": " + behind));
            }
        } catch (TimeoutException e) {
            throw new IOException("Timed out closing the health check's channel", e);
        }
        return problems;
    }
}
