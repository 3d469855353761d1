package dev.jamespipeline.core.envelope;

/** An event body that cannot be processed; the message says why, and goes into the dead-letter reason. */
public class InvalidEnvelopeException extends Exception {
    public InvalidEnvelopeException(String message) {
        super(message);
    }

    public InvalidEnvelopeException(String message, Throwable cause) {
        super(message, cause);
    }
}
