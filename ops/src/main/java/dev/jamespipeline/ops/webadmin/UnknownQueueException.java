package dev.jamespipeline.ops.webadmin;

import java.util.List;

/** A queue name that is none of the pipeline's work queues. */
final class UnknownQueueException extends Exception {
    UnknownQueueException(String queue, List<String> known) {
        super("'" + queue + "' is not a pipeline work queue; known queues: " + String.join(", ", known));
    }
}
