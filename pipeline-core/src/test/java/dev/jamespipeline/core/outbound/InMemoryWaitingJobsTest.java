package dev.jamespipeline.core.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.envelope.OutboundJob;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;

class InMemoryWaitingJobsTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");

    @Test
    void anOperatorsCopyStaysCurrentWhenAnOlderAttemptSavesAfterIt() {
        InMemoryWaitingJobs jobs = new InMemoryWaitingJobs();
        jobs.save(waiting("a", "held.test", NOW, 0));

        assertThat(jobs.supersede("a-outbound", 1, WaitingJobs.Request.BOUNCE)).isTrue();
        jobs.save(waiting("a", "held.test", NOW.plusSeconds(60), 0));

        assertThat(jobs.find("a-outbound").orElseThrow().generation()).isEqualTo(1);
        assertThat(jobs.requestFor("a-outbound")).isEqualTo(WaitingJobs.Request.BOUNCE);
        jobs.remove("a-outbound");
        assertThat(jobs.requestFor("a-outbound")).isEqualTo(WaitingJobs.Request.NONE);
        assertThat(jobs.supersede("a-outbound", 2, WaitingJobs.Request.DELETE)).isFalse();
    }

    @Test
    void jobsAreListedPerDomainSoonestFirst() {
        InMemoryWaitingJobs jobs = new InMemoryWaitingJobs();
        jobs.save(waiting("later", "one.test", NOW.plusSeconds(600), 0));
        jobs.save(waiting("sooner", "one.test", NOW.plusSeconds(60), 0));
        jobs.save(waiting("other", "two.test", NOW, 0));

        assertThat(jobs.list(Optional.of("one.test"), 10)).extracting(WaitingJobs.WaitingJob::jobId)
            .containsExactly("sooner-outbound", "later-outbound");
        assertThat(jobs.list(Optional.empty(), 1)).extracting(WaitingJobs.WaitingJob::jobId).containsExactly("other-outbound");
    }

    private static WaitingJobs.WaitingJob waiting(String pipelineId, String domain, Instant next, int generation) {
        OutboundJob job = new OutboundJob(OutboundJob.VERSION, pipelineId + "-outbound", pipelineId,
            new ReceivedEnvelope.StorageRef(pipelineId + ".eml", "a".repeat(64), 10), "alice@local.test",
            List.of("bob@" + domain), NOW);
        return new WaitingJobs.WaitingJob(job, List.of(domain), job.recipients(), 1, next, "smtp; 450 busy", generation);
    }
}
