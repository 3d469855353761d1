package dev.jamespipeline.guice.webadmin;

/** How many dead letters a purge deleted. */
record PurgeResult(long purged) {
}
