package dev.jamespipeline.core.envelope;

/** Every event carries the schema version it was written with. */
public interface Versioned {
    int version();
}
