package dev.jamespipeline.ops.webadmin;

import java.time.Instant;
import java.util.List;

/**
 * One dead-lettered message as a listing shows it.
 *
 * @param reason           why it was dead-lettered; null when nothing recorded a reason
 * @param deadLetteredFrom the work queue it was dead-lettered from, as the pipeline recorded it
 * @param firstReceived    when it entered the pipeline ({@code x-first-received}); null when it has none
 * @param timestamp        the AMQP timestamp: when the message was published; null when it has none
 * @param bodySize         bytes of the body (the envelope, never the mail itself)
 * @param attemptCount     failed attempts the runtime counted ({@code x-pipeline-attempt}); null when none were recorded
 * @param attempts         the broker's history of it ({@code x-death}): each retry tier it waited in, newest first
 */
record DeadLetterSummary(String messageId, String reason, String deadLetteredFrom, Instant firstReceived, Instant timestamp,
                         int bodySize, Integer attemptCount, List<Attempt> attempts) {

    /** One {@code x-death} entry: the queue, why it left it ({@code expired}: a retry delay ran out), how often, when last. */
    record Attempt(String queue, String reason, long count, Instant time) {
    }
}
