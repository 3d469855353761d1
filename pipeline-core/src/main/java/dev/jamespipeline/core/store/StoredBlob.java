package dev.jamespipeline.core.store;

/** What the store returns after a durable write: where, what digest, how many bytes. */
public record StoredBlob(StorageKey key, String sha256, long size) {
}
