package dev.jamespipeline.ops.webadmin;

import java.util.List;

/** One work queue as {@code GET /pipeline/queues} shows it, with its dead-letter queue and retry tiers. */
record QueueStatus(String name, long messagesReady, long consumers, QueueDepth deadLetters, List<QueueDepth> retries) {
}
