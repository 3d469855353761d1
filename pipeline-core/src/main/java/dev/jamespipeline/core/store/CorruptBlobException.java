package dev.jamespipeline.core.store;

import java.io.IOException;

/** A stored message is missing, or its size or sha256 differ from what its envelope says. */
public class CorruptBlobException extends IOException {
    public CorruptBlobException(String message) {
        super(message);
    }
}
