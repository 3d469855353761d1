package dev.jamespipeline.state;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import javax.sql.DataSource;

import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.InvalidEnvelopeException;
import dev.jamespipeline.core.outbound.WaitingJobs;

/** Waiting outbound jobs as rows every node sees, so WebAdmin on any node lists and acts on all of them. */
public final class PostgresWaitingJobs implements WaitingJobs {
    private static final String COLUMNS = "job, domains, pending_recipients, attempts, next_attempt, last_error, generation";

    private final DataSource dataSource;
    private final EnvelopeCodec codec;

    public PostgresWaitingJobs(DataSource dataSource, EnvelopeCodec codec) {
        this.dataSource = dataSource;
        this.codec = codec;
    }

    @Override
    public void save(WaitingJob job) throws IOException {
        // The request and the generation are the operator's: an attempt's save keeps them.
        String sql = "INSERT INTO pipeline_outbound_waiting (job_id, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (job_id) DO UPDATE SET domains = EXCLUDED.domains, pending_recipients = EXCLUDED.pending_recipients, "
            + "attempts = EXCLUDED.attempts, next_attempt = EXCLUDED.next_attempt, last_error = EXCLUDED.last_error, "
            + "generation = GREATEST(pipeline_outbound_waiting.generation, EXCLUDED.generation)";
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, job.jobId());
            insert.setString(2, new String(codec.encode(job.job()), StandardCharsets.UTF_8));
            insert.setArray(3, connection.createArrayOf("text", job.domains().toArray()));
            insert.setArray(4, connection.createArrayOf("text", job.pendingRecipients().toArray()));
            insert.setInt(5, job.attempts());
            insert.setTimestamp(6, Timestamp.from(job.nextAttempt()));
            insert.setString(7, job.lastError());
            insert.setInt(8, job.generation());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw failed("saving waiting job " + job.jobId(), e);
        }
    }

    @Override
    public Optional<WaitingJob> find(String jobId) throws IOException {
        return query("SELECT " + COLUMNS + " FROM pipeline_outbound_waiting WHERE job_id = ?", jobId).stream().findFirst();
    }

    @Override
    public List<WaitingJob> list(Optional<String> domain, int limit) throws IOException {
        if (domain.isPresent()) {
            return query("SELECT " + COLUMNS + " FROM pipeline_outbound_waiting WHERE domains @> ARRAY[?]::text[] "
                + "ORDER BY next_attempt LIMIT " + Math.max(1, limit), domain.get());
        }
        return query("SELECT " + COLUMNS + " FROM pipeline_outbound_waiting ORDER BY next_attempt LIMIT " + Math.max(1, limit));
    }

    @Override
    public void remove(String jobId) throws IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM pipeline_outbound_waiting WHERE job_id = ?")) {
            delete.setString(1, jobId);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw failed("removing waiting job " + jobId, e);
        }
    }

    @Override
    public Request requestFor(String jobId) throws IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT request FROM pipeline_outbound_waiting WHERE job_id = ?")) {
            select.setString(1, jobId);
            try (ResultSet rows = select.executeQuery()) {
                return rows.next() ? Request.valueOf(rows.getString(1)) : Request.NONE;
            }
        } catch (SQLException e) {
            throw failed("reading the request for " + jobId, e);
        }
    }

    @Override
    public boolean supersede(String jobId, int generation, Request request) throws IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                 "UPDATE pipeline_outbound_waiting SET generation = GREATEST(generation, ?), request = ? WHERE job_id = ?")) {
            update.setInt(1, generation);
            update.setString(2, request.name());
            update.setString(3, jobId);
            return update.executeUpdate() == 1;
        } catch (SQLException e) {
            throw failed("superseding " + jobId, e);
        }
    }

    private List<WaitingJob> query(String sql, String... parameters) throws IOException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement select = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                select.setString(i + 1, parameters[i]);
            }
            List<WaitingJob> jobs = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    jobs.add(new WaitingJob(codec.decodeOutbound(rows.getString(1).getBytes(StandardCharsets.UTF_8)),
                        strings(rows.getArray(2)), strings(rows.getArray(3)), rows.getInt(4), rows.getTimestamp(5).toInstant(),
                        rows.getString(6), rows.getInt(7)));
                }
            }
            return jobs;
        } catch (SQLException e) {
            throw failed("listing waiting jobs", e);
        } catch (InvalidEnvelopeException e) {
            throw new IOException("a waiting job's stored job is invalid: " + e.getMessage(), e);
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        return Arrays.stream((Object[]) array.getArray()).map(String.class::cast).toList();
    }

    private static IOException failed(String what, SQLException e) {
        return new IOException(what + " failed: " + e.getMessage(), e);
    }
}
