package dev.jamespipeline.core.store;

import java.io.IOException;
import java.io.OutputStream;

/** Streams a message into the store, so a large message is never held in memory twice. */
@FunctionalInterface
public interface BodyWriter {
    void writeTo(OutputStream out) throws IOException;
}
