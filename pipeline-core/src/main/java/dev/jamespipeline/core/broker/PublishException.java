package dev.jamespipeline.core.broker;

/** The broker did not take responsibility for a message: down, unroutable, nacked, or no answer in time. */
public class PublishException extends Exception {
    public PublishException(String message) {
        super(message);
    }

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
