package dev.jamespipeline.mailbox.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * One migrated PostgreSQL database per test class (register it as a static field with
 * {@code @RegisterExtension}), every mailbox table emptied before each test: a fresh database per
 * test would cost a CREATE DATABASE and a migration each time. The tables are emptied with DELETE,
 * not TRUNCATE: TRUNCATE gives each table new files and syncs them, about 100 ms per test here
 * against well under 10 ms for deleting the few rows a test leaves.
 */
public final class MailboxDatabaseExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private PostgresTestDatabase database;
    private List<String> referencingTablesFirst;

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        database = PostgresTestDatabase.create();
        MailboxSchema.migrate(database.dataSource());
        referencingTablesFirst = referencingTablesFirst();
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (String table : referencingTablesFirst) {
                statement.executeUpdate("DELETE FROM \"" + table + '"');
            }
            connection.commit();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        database.close();
    }

    public DataSource dataSource() {
        return database.dataSource();
    }

    /** The schema's tables, each before every table it references, so that no DELETE breaks a foreign key. */
    private List<String> referencingTablesFirst() throws SQLException {
        Set<String> remaining = new HashSet<>();
        Map<String, Set<String>> referencedBy = new HashMap<>();
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            try (ResultSet rows = statement.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '"
                + MailboxSchema.HISTORY_TABLE + "'")) {
                while (rows.next()) {
                    remaining.add(rows.getString(1));
                }
            }
            try (ResultSet rows = statement.executeQuery("SELECT confrelid::regclass::text, conrelid::regclass::text FROM pg_constraint "
                + "WHERE contype = 'f' AND conrelid <> confrelid AND connamespace = current_schema()::regnamespace")) {
                while (rows.next()) {
                    referencedBy.computeIfAbsent(rows.getString(1), table -> new HashSet<>()).add(rows.getString(2));
                }
            }
        }
        List<String> ordered = new ArrayList<>();
        while (!remaining.isEmpty()) {
            String unreferenced = remaining.stream()
                .filter(table -> referencedBy.getOrDefault(table, Set.of()).stream().noneMatch(remaining::contains))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("Foreign keys form a cycle among " + remaining));
            ordered.add(unreferenced);
            remaining.remove(unreferenced);
        }
        return ordered;
    }
}
