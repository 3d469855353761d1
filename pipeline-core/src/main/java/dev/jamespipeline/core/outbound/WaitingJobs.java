package dev.jamespipeline.core.outbound;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import dev.jamespipeline.core.envelope.OutboundJob;

/**
 * What operators see of outbound jobs waiting for a retry (WebAdmin): one record per job, written by
 * the worker after each attempt that leaves recipients pending and removed when the job is done.
 * RabbitMQ holds the job itself (in a delay queue); this is its description, the job to publish again
 * when an operator acts on it, and the generation that makes the copy still waiting in the delay queue
 * stale once the operator's copy is published.
 */
public interface WaitingJobs {

    /**
     * @param attempts   attempts made so far
     * @param generation the current copy of the job: a delivery carrying another one is a superseded copy
     */
    record WaitingJob(OutboundJob job, List<String> domains, List<String> pendingRecipients, int attempts,
                      Instant nextAttempt, String lastError, int generation) {
        public WaitingJob {
            domains = List.copyOf(domains);
            pendingRecipients = List.copyOf(pendingRecipients);
        }

        public String jobId() {
            return job.jobId();
        }
    }

    /** What an operator asked to be done with a job at its next delivery (published at once by WebAdmin). */
    enum Request { NONE, BOUNCE, DELETE }

    /** Saves the job's state after an attempt; an operator's request is kept, and the higher of the two generations. */
    void save(WaitingJob job) throws IOException;

    Optional<WaitingJob> find(String jobId) throws IOException;

    /** Waiting jobs with a pending recipient in {@code domain} (all when empty), the soonest first. */
    List<WaitingJob> list(Optional<String> domain, int limit) throws IOException;

    void remove(String jobId) throws IOException;

    Request requestFor(String jobId) throws IOException;

    /**
     * Records an operator's request with the generation of the copy published for it (the current one
     * from now on, unless a higher one already is).
     *
     * @return false when the job is not waiting (any more)
     */
    boolean supersede(String jobId, int generation, Request request) throws IOException;
}
