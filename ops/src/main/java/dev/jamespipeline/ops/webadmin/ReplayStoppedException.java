package dev.jamespipeline.ops.webadmin;

/** A replay that stopped part-way: everything before the failed message is moved, that message and the rest are not. */
final class ReplayStoppedException extends Exception {
    ReplayStoppedException(String message, Throwable cause) {
        super(message, cause);
    }
}
