package dev.jamespipeline.security.quarantine;

/** A release that cannot be done now, or at all, as things are configured; the mail stays quarantined. */
public final class ReleaseRefusedException extends Exception {
    public ReleaseRefusedException(String message) {
        super(message);
    }
}
