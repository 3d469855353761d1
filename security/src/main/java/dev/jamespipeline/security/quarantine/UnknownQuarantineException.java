package dev.jamespipeline.security.quarantine;

/** No quarantined mail has this id (never had, or it was released or deleted). */
public final class UnknownQuarantineException extends Exception {
    public UnknownQuarantineException(String quarantineId) {
        super("no quarantined mail " + quarantineId);
    }
}
