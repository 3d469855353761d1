package dev.jamespipeline.ops.webadmin;

/** What one queue's replay moved, and what its dead-letter queue still holds ready. */
record ReplayResult(long replayed, long remaining) {
}
