package dev.jamespipeline.outbound.security.mtasts;

/** An MTA-STS policy body that does not follow RFC 8461 section 3.2. */
public final class InvalidPolicyException extends Exception {
    public InvalidPolicyException(String message) {
        super(message);
    }
}
