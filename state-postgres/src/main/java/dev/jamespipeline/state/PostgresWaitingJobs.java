package dev.jamespipeline.state;

import java.io.IOException;
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

import dev.jamespipeline.core.outbound.WaitingJobs;

/** Waiting outbound jobs as rows every node sees, so WebAdmin on any node lists and acts on all of them. */
public final class PostgresWaitingJobs implements WaitingJobs {
    private static final String COLUMNS = "job_id, pipeline_id, sender, domains, pending_recipients, attempts, first_received, "
        + "next_attempt, last_error, generation";

    private final DataSource dataSource;

    public PostgresWaitingJobs(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void save(WaitingJob job) throws IOException {
        // The request and generation are the operator's: an attempt's save keeps them.
        String sql = "INSERT INTO pipeline_outbound_waiting (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            + "ON CONFLICT (job_id) DO UPDATE SET domains = EXCLUDED.domains, pending_recipients = EXCLUDED.pending_recipients, "
            + "attempts = EXCLUDED.attempts, next_attempt = EXCLUDED.next_attempt, last_error = EXCLUDED.last_error";
        try (Connection connection = dataSource.getConnection(); PreparedStatement insert = connection.prepareStatement(sql)) {
            insert.setString(1, job.jobId());
            insert.setString(2, job.pipelineId());
            insert.setString(3, job.sender());
            insert.setArray(4, connection.createArrayOf("text", job.domains().toArray()));
            insert.setArray(5, connection.createArrayOf("text", job.pendingRecipients().toArray()));
            insert.setInt(6, job.attempts());
            insert.setTimestamp(7, Timestamp.from(job.firstReceived()));
            insert.setTimestamp(8, Timestamp.from(job.nextAttempt()));
            insert.setString(9, job.lastError());
            insert.setInt(10, job.generation());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw failed("saving waiting job " + job.jobId(), e);
        }
    }

    @Override
    public Optional<WaitingJob> find(String jobId) throws IOException {
        List<WaitingJob> found = query("SELECT " + COLUMNS + " FROM pipeline_outbound_waiting WHERE job_id = ?", jobId);
        return found.stream().findFirst();
    }

    @Override
    public List<WaitingJob> list(Optional<String> domain, int limit) throws IOException {
        if (domain.isPresent()) {
            return query("SELECT " + COLUMNS + " FROM pipeline_outbound_waiting WHERE domains @> ARRAY[?]::text[] "
                + "ORDER BY next_attempt LIMIT " + limit, domain.get());
        }
        return query("SELECT " + COLUMNS + " FROM pipeline_outbound_waiting ORDER BY next_attempt LIMIT " + limit);
    }

    @Override
    public void remove(String jobId) throws IOException {
        update("DELETE FROM pipeline_outbound_waiting WHERE job_id = ?", jobId);
    }

    @Override
    public void request(String jobId, Request request) throws IOException {
        update("UPDATE pipeline_outbound_waiting SET request = ? WHERE job_id = ?", request.name(), jobId);
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
    public void supersede(String jobId, int generation) throws IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                 "UPDATE pipeline_outbound_waiting SET generation = ? WHERE job_id = ?")) {
            update.setInt(1, generation);
            update.setString(2, jobId);
            update.executeUpdate();
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
                    jobs.add(new WaitingJob(rows.getString(1), rows.getString(2), rows.getString(3), strings(rows.getArray(4)),
                        strings(rows.getArray(5)), rows.getInt(6), rows.getTimestamp(7).toInstant(),
                        rows.getTimestamp(8).toInstant(), rows.getString(9), rows.getInt(10)));
                }
            }
            return jobs;
        } catch (SQLException e) {
            throw failed("listing waiting jobs", e);
        }
    }

    private void update(String sql, String... parameters) throws IOException {
        try (Connection connection = dataSource.getConnection(); PreparedStatement update = connection.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                update.setString(i + 1, parameters[i]);
            }
            update.executeUpdate();
        } catch (SQLException e) {
            throw failed("updating waiting jobs", e);
        }
    }

    private static List<String> strings(Array array) throws SQLException {
        return Arrays.stream((Object[]) array.getArray()).map(String.class::cast).toList();
    }

    private static IOException failed(String what, SQLException e) {
        return new IOException(what + " failed: " + e.getMessage(), e);
    }
}
