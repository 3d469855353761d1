package dev.jamespipeline.ops.webadmin;

/** How many dead letters a purge deleted. */
record PurgeResult(long purged) {
}
