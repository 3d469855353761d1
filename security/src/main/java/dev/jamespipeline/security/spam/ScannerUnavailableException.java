package dev.jamespipeline.security.spam;

/** The scanner could not give a usable answer: down, too slow, or a reply that is not one. */
public class ScannerUnavailableException extends Exception {
    public ScannerUnavailableException(String reason) {
        super(reason);
    }

    public ScannerUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
