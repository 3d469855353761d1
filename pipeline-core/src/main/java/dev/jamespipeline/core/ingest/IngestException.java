package dev.jamespipeline.core.ingest;

/** The pipeline did not take the message; nothing of it remains. The SMTP client gets a 451. */
public class IngestException extends Exception {
    public IngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
