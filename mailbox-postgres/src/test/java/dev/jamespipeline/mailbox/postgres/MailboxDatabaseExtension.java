package dev.jamespipeline.mailbox.postgres;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import javax.sql.DataSource;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * One migrated PostgreSQL database per test class (register it as a static field with
 * {@code @RegisterExtension}), every mailbox table emptied before each test: a fresh database per
 * test would cost a CREATE DATABASE and a migration each time.
 */
public final class MailboxDatabaseExtension implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {
    private PostgresTestDatabase database;

    @Override
    public void beforeAll(ExtensionContext context) {
        database = PostgresTestDatabase.create();
        MailboxSchema.migrate(database.dataSource());
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            List<String> tables = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> '"
                + MailboxSchema.HISTORY_TABLE + "'")) {
                while (rows.next()) {
                    tables.add('"' + rows.getString(1) + '"');
                }
            }
            if (!tables.isEmpty()) {
                statement.execute("TRUNCATE " + String.join(", ", tables) + " CASCADE");
            }
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        database.close();
    }

    public DataSource dataSource() {
        return database.dataSource();
    }
}
