package dev.jamespipeline.security.spam;

/** What happens to a message the scanner could not check, once the stage's retries are spent. */
public enum FailurePolicy {
    /** Delivered with {@code X-Spam-Status: unchecked (<reason>)} and the verdict spam=unchecked. */
    TAG,
    /** Quarantined for every recipient, with the reason. */
    QUARANTINE
}
