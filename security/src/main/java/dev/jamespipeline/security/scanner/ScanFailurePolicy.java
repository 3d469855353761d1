package dev.jamespipeline.security.scanner;

/**
 * What a scanning stage does with a message its scanner could not check, once the stage's retries are
 * spent: never a silent pass.
 */
public enum ScanFailurePolicy {
    /** Delivered with a header field saying it was not checked and why, and a verdict saying the same. */
    TAG,
    /** Quarantined for every recipient, with the reason. */
    QUARANTINE
}
