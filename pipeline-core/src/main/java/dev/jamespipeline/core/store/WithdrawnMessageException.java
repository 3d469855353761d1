package dev.jamespipeline.core.store;

import java.io.IOException;

/**
 * The stored message was withdrawn at ingest: its {@code mail.received} was not confirmed, so the
 * client was answered 451 and sends the message again. An envelope that still names it reached the
 * broker although its confirm was lost; it is not a lost message and needs no retry.
 */
public class WithdrawnMessageException extends IOException {
    public WithdrawnMessageException(String message) {
        super(message);
    }
}
