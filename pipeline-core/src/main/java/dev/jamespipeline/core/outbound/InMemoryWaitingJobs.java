package dev.jamespipeline.core.outbound;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Waiting jobs in this node's heap, for the file backends (the memory app, the stock-James drop-in, one
 * node): lost on restart, which loses descriptions and requests, never mail (the jobs are in RabbitMQ).
 */
public final class InMemoryWaitingJobs implements WaitingJobs {
    private final Map<String, WaitingJob> jobs = new ConcurrentHashMap<>();
    private final Map<String, Request> requests = new ConcurrentHashMap<>();

    @Override
    public synchronized void save(WaitingJob job) {
        WaitingJob current = jobs.get(job.jobId());
        int generation = current == null ? job.generation() : Math.max(current.generation(), job.generation());
        jobs.put(job.jobId(), new WaitingJob(job.job(), job.domains(), job.pendingRecipients(), job.attempts(),
            job.nextAttempt(), job.lastError(), generation));
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
    public synchronized void remove(String jobId) {
        jobs.remove(jobId);
        requests.remove(jobId);
    }

    @Override
    public Request requestFor(String jobId) {
        return requests.getOrDefault(jobId, Request.NONE);
    }

    @Override
    public synchronized boolean supersede(String jobId, int generation, Request request) {
        WaitingJob current = jobs.get(jobId);
        if (current == null) {
            return false;
        }
        jobs.put(jobId, new WaitingJob(current.job(), current.domains(), current.pendingRecipients(), current.attempts(),
            current.nextAttempt(), current.lastError(), Math.max(current.generation(), generation)));
        requests.put(jobId, request);
        return true;
    }
}
