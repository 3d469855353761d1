package dev.jamespipeline.state;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import javax.sql.DataSource;

import dev.jamespipeline.core.search.IndexBacklog;

/**
 * The backlog as rows of {@code search_index_backlog}, shared by every node: a change recorded by one
 * node's IMAP command is scanned by a search on another. Many changes go in one statement (arrays),
 * so a STORE on 10,000 messages is one round trip.
 */
public final class PostgresIndexBacklog implements IndexBacklog {
    private static final String INSERT = "INSERT INTO search_index_backlog (mailbox_id, uid, mod_seq) "
        + "SELECT * FROM unnest(?::text[], ?::bigint[], ?::bigint[]) ON CONFLICT DO NOTHING";
    private static final String DELETE_APPLIED = "DELETE FROM search_index_backlog b "
        + "USING unnest(?::text[], ?::bigint[], ?::bigint[]) AS a(mailbox_id, uid, mod_seq) "
        + "WHERE b.mailbox_id = a.mailbox_id AND b.uid = a.uid AND b.mod_seq <= a.mod_seq";

    private final DataSource dataSource;

    public PostgresIndexBacklog(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void record(Collection<Change> changes) throws IOException {
        if (changes.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            record(connection, changes);
        } catch (SQLException e) {
            throw new IOException("recording " + changes.size() + " changes in the search index backlog failed: " + e.getMessage(), e);
        }
    }

    /** Records in the caller's transaction (the mailbox's own, for an append). */
    public static void record(Connection connection, Collection<Change> changes) throws SQLException {
        execute(connection, INSERT, changes);
    }

    @Override
    public Set<Long> pendingUids(String mailboxId) throws IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                 "SELECT DISTINCT uid FROM search_index_backlog WHERE mailbox_id = ?")) {
            select.setString(1, mailboxId);
            Set<Long> uids = new HashSet<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    uids.add(rows.getLong(1));
                }
            }
            return uids;
        } catch (SQLException e) {
            throw new IOException("reading the search index backlog of mailbox " + mailboxId + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void applied(Collection<Change> changes) throws IOException {
        if (changes.isEmpty()) {
            return;
        }
        try (Connection connection = dataSource.getConnection()) {
            execute(connection, DELETE_APPLIED, changes);
        } catch (SQLException e) {
            throw new IOException("clearing " + changes.size() + " applied changes from the search index backlog failed: "
                + e.getMessage(), e);
        }
    }

    @Override
    public void forgetMailbox(String mailboxId) throws IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM search_index_backlog WHERE mailbox_id = ?")) {
            delete.setString(1, mailboxId);
            delete.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("clearing the search index backlog of mailbox " + mailboxId + " failed: " + e.getMessage(), e);
        }
    }

    private static void execute(Connection connection, String sql, Collection<Change> changes) throws SQLException {
        String[] mailboxIds = new String[changes.size()];
        Long[] uids = new Long[changes.size()];
        Long[] modSeqs = new Long[changes.size()];
        int i = 0;
        for (Change change : changes) {
            mailboxIds[i] = change.mailboxId();
            uids[i] = change.uid();
            modSeqs[i] = change.modSeq();
            i++;
        }
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setArray(1, connection.createArrayOf("text", mailboxIds));
            statement.setArray(2, connection.createArrayOf("bigint", uids));
            statement.setArray(3, connection.createArrayOf("bigint", modSeqs));
            statement.executeUpdate();
        }
    }
}
