package dev.jamespipeline.ops.webadmin;

import java.util.List;

/** One work queue's dead letters, as {@code GET /pipeline/dead-letters} lists them. */
record QueueDeadLetters(String queue, String deadLetterQueue, long messages, List<DeadLetterSummary> deadLetters) {
}
