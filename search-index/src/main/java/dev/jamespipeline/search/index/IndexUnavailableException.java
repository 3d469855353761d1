package dev.jamespipeline.search.index;

/**
 * OpenSearch could not be asked, or refused the request as a whole (unreachable, timed out,
 * overloaded, an error status): nothing is known to have happened, and the caller may retry
 * the same request later.
 */
public class IndexUnavailableException extends Exception {
    public IndexUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public IndexUnavailableException(String message) {
        super(message);
    }
}
