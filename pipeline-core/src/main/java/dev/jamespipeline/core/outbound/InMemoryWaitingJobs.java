package dev.jamespipeline.core.outbound;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Waiting jobs in this node's heap, for {@code backend=memory} (trials, one node): lost on restart,
 * which loses only descriptions and requests, never mail (the jobs are in RabbitMQ).
 */
public final class InMemoryWaitingJobs implements WaitingJobs {
    private final Map<String, WaitingJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, Request> requests = new ConcurrentHashMap<>();

    @Override
    public void save(WaitingJob job) {
        jobs.put(job.jobId(), job);
    }

    @Override
    public Optional<WaitingJob> find(String jobId) {
        return Optional.ofNullable(jobs.get(jobId));
    }

    @Override
    public List<WaitingJob> list(Optional<String> domain, int limit) {
        return jobs.values().stream()
            .filter(job -> domain.map(job.domains()::contains).orElse(true))
            .sorted(Comparator.comparing(WaitingJob::nextAttempt))
            .limit(limit)
            .toList();
    }

    @Override
    public void remove(String jobId) {
        jobs.remove(jobId);
        requests.remove(jobId);
    }

    @Override
    public void request(String jobId, Request request) {
        requests.put(jobId, request);
    }

    @Override
    public Request requestFor(String jobId) {
        return requests.getOrDefault(jobId, Request.NONE);
    }

    @Override
    public void supersede(String jobId, int generation) {
        jobs.computeIfPresent(jobId, (id, job) -> new WaitingJob(job.jobId(), job.pipelineId(), job.sender(), job.domains(),
            job.pendingRecipients(), job.attempts(), job.firstReceived(), job.nextAttempt(), job.lastError(), generation));
    }
}
