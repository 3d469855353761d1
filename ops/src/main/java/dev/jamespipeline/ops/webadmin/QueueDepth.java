package dev.jamespipeline.ops.webadmin;

/** How many messages a queue holds ready for consumers (unacked messages not included). */
record QueueDepth(String name, long messages) {
}
