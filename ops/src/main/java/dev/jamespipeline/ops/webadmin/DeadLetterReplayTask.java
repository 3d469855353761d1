package dev.jamespipeline.ops.webadmin;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.apache.james.task.Task;
import org.apache.james.task.TaskExecutionDetails;
import org.apache.james.task.TaskType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves dead letters back to their work queues as a James task ({@code GET /tasks/<id>} shows its
 * progress): every dead letter of the given queues present when it reaches each queue, or one message.
 * A replayed message is a first attempt again; the consumers' idempotency (the delivery ledger) makes a
 * message that was in fact handled before it was dead-lettered a no-op, so it is processed once.
 */
public class DeadLetterReplayTask implements Task {
    public static final TaskType TYPE = TaskType.of("pipeline-dead-letter-replay");
    private static final Logger LOGGER = LoggerFactory.getLogger(DeadLetterReplayTask.class);

    private final DeadLetterReplay replay;
    private final List<String> workQueues;
    private final Optional<String> messageId;
    private final int limit;
    private final Clock clock;
    private final AtomicLong replayed = new AtomicLong();
    private final AtomicLong remaining = new AtomicLong();
    private final AtomicReference<String> error = new AtomicReference<>();

    /** @param limit at most this many per queue */
    DeadLetterReplayTask(DeadLetterReplay replay, List<String> workQueues, Optional<String> messageId, int limit, Clock clock) {
        this.replay = replay;
        this.workQueues = List.copyOf(workQueues);
        this.messageId = messageId;
        this.limit = limit;
        this.clock = clock;
    }

    @Override
    public Result run() {
        long left = 0;
        for (String workQueue : workQueues) {
            try {
                left += replay.replay(workQueue, limit, messageId, replayed::incrementAndGet).remaining();
                remaining.set(left);
            } catch (IOException | ReplayStoppedException | RuntimeException e) {
                LOGGER.warn("Dead-letter replay stopped: {}", e.getMessage());
                error.set(e.getMessage());
                return Result.PARTIAL;
            }
        }
        return Result.COMPLETED;
    }

    @Override
    public TaskType type() {
        return TYPE;
    }

    @Override
    public Optional<TaskExecutionDetails.AdditionalInformation> details() {
        return Optional.of(new Details(workQueues.size() == 1 ? Optional.of(workQueues.get(0)) : Optional.empty(), messageId,
            replayed.get(), remaining.get(), Optional.ofNullable(error.get()), clock.instant()));
    }

    /**
     * Progress, as {@code GET /tasks/<id>} shows it.
     *
     * @param queue     the work queue, empty for all of them
     * @param remaining dead letters left in the queues done so far
     * @param error     why it stopped, when it did
     */
    public record Details(Optional<String> queue, Optional<String> messageId, long replayed, long remaining,
                          Optional<String> error, Instant timestamp) implements TaskExecutionDetails.AdditionalInformation {
    }
}
