package dev.jamespipeline.core.store;

public class InvalidStorageKeyException extends IllegalArgumentException {
    public InvalidStorageKeyException(String message) {
        super(message);
    }
}
