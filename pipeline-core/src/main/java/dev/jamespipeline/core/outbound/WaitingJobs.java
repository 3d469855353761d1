package dev.jamespipeline.core.outbound;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What operators see of outbound jobs waiting for a retry (WebAdmin): one record per job, written by
 * the worker after each attempt that leaves recipients pending and removed when the job is done.
 * RabbitMQ holds the job itself; this is only its description, plus the generation that lets an
 * operator's "retry now" supersede the copy waiting in a delay queue.
 */
public interface WaitingJobs {

    /**
     * @param generation the copy of the job that is current: a delivery carrying another one is a superseded copy
     */
    record WaitingJob(String jobId, String pipelineId, String sender, List<String> domains, List<String> pendingRecipients,
                      int attempts, Instant firstReceived, Instant nextAttempt, String lastError, int generation) {
        public WaitingJob {
            domains = List.copyOf(domains);
            pendingRecipients = List.copyOf(pendingRecipients);
        }
    }

    /** What an operator asked to be done with a job at its next delivery. */
    enum Request { NONE, BOUNCE, DELETE }

    void save(WaitingJob job) throws IOException;

    Optional<WaitingJob> find(String jobId) throws IOException;

    /** Waiting jobs with a pending recipient in {@code domain} (all when empty), the soonest first. */
    List<WaitingJob> list(Optional<String> domain, int limit) throws IOException;

    void remove(String jobId) throws IOException;

    /** Records an operator's request, applied by the worker when the job is next delivered. */
    void request(String jobId, Request request) throws IOException;

    Request requestFor(String jobId) throws IOException;

    /** Makes {@code generation} the current copy of the job (an operator's retry published it). */
    void supersede(String jobId, int generation) throws IOException;
}
