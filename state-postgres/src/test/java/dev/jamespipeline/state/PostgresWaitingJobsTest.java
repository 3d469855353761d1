package dev.jamespipeline.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.zaxxer.hikari.HikariDataSource;

import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.OutboundJob;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.outbound.WaitingJobs;
import dev.jamespipeline.testing.PostgresTestDatabase;

class PostgresWaitingJobsTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private static PostgresTestDatabase database;
    private static HikariDataSource secondNode;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create(4);
        PipelineStateSchema.migrate(database.dataSource());
        secondNode = OtherNode.pool(database, 4);
    }

    @AfterAll
    static void dropDatabase() {
        secondNode.close();
        database.close();
    }

    @Test
    void aSavedJobIsListedByEveryNodePerDomainSoonestFirst() throws Exception {
        WaitingJobs node = new PostgresWaitingJobs(database.dataSource(), new EnvelopeCodec());
        WaitingJobs other = new PostgresWaitingJobs(secondNode, new EnvelopeCodec());
        WaitingJobs.WaitingJob later = waiting(job("later.test"), NOW.plusSeconds(600), 0);
        WaitingJobs.WaitingJob sooner = waiting(job("sooner.test"), NOW.plusSeconds(60), 0);
        node.save(later);
        node.save(sooner);

        assertThat(other.list(Optional.of("later.test"), 10)).extracting(WaitingJobs.WaitingJob::jobId)
            .containsExactly(later.jobId());
        List<String> all = other.list(Optional.empty(), 1000).stream().map(WaitingJobs.WaitingJob::jobId).toList();
        assertThat(all.indexOf(sooner.jobId())).isLessThan(all.indexOf(later.jobId()));
        WaitingJobs.WaitingJob found = other.find(sooner.jobId()).orElseThrow();
        assertThat(found.job()).isEqualTo(sooner.job());
        assertThat(found.pendingRecipients()).containsExactly("bob@sooner.test");
        assertThat(found.lastError()).isEqualTo("smtp; 450 4.2.1 busy");
    }

    @Test
    void anOperatorsRequestAndGenerationSurviveTheNextAttemptsSave() throws Exception {
        WaitingJobs jobs = new PostgresWaitingJobs(database.dataSource(), new EnvelopeCodec());
        WaitingJobs.WaitingJob waiting = waiting(job("held.test"), NOW, 0);
        jobs.save(waiting);

        assertThat(jobs.supersede(waiting.jobId(), 1, WaitingJobs.Request.BOUNCE)).isTrue();
        jobs.save(waiting(waiting.job(), NOW.plusSeconds(60), 0));

        assertThat(jobs.find(waiting.jobId()).orElseThrow().generation()).isEqualTo(1);
        assertThat(jobs.requestFor(waiting.jobId())).isEqualTo(WaitingJobs.Request.BOUNCE);
        jobs.remove(waiting.jobId());
        assertThat(jobs.find(waiting.jobId())).isEmpty();
        assertThat(jobs.requestFor(waiting.jobId())).isEqualTo(WaitingJobs.Request.NONE);
        assertThat(jobs.supersede(waiting.jobId(), 2, WaitingJobs.Request.DELETE)).isFalse();
    }

    private static WaitingJobs.WaitingJob waiting(OutboundJob job, Instant next, int generation) {
        String domain = job.recipients().get(0).substring(job.recipients().get(0).indexOf('@') + 1);
        return new WaitingJobs.WaitingJob(job, List.of(domain), job.recipients(), 2, next, "smtp; 450 4.2.1 busy", generation);
    }

    private static OutboundJob job(String domain) {
        String pipelineId = UUID.randomUUID().toString();
        return new OutboundJob(OutboundJob.VERSION, pipelineId + "-outbound", pipelineId,
            new ReceivedEnvelope.StorageRef("2026-12-06/10/" + pipelineId + ".eml", "a".repeat(64), 10),
            "alice@local.test", List.of("bob@" + domain), NOW);
    }
}
