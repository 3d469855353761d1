package dev.jamespipeline.ops.webadmin;

/** What a replay moved, and what its dead-letter queue still holds ready. */
record ReplayResult(long replayed, long remaining) {
}
