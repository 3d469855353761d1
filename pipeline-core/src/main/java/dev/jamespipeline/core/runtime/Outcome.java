package dev.jamespipeline.core.runtime;

/** What became of one delivery; the runtime makes it durable, then acks. */
public sealed interface Outcome {
    Outcome DONE = new Done();

    static Outcome retry(String reason) {
        return new Retry(reason);
    }

    /** Straight to the dead-letter queue: trying again cannot help (an invalid or forged message). */
    static Outcome reject(String reason) {
        return new Reject(reason);
    }

    /** The work is done and durable. */
    record Done() implements Outcome {
    }

    /** The work failed and may succeed later: the next delay tier, or the dead-letter queue when none is left. */
    record Retry(String reason) implements Outcome {
    }

    record Reject(String reason) implements Outcome {
    }
}
