package dev.jamespipeline.server.data;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.persistence.EntityManagerFactory;
import javax.sql.DataSource;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * A fresh PostgreSQL database with James's data tables and OpenJPA on it, for one test class:
 * {@code @RegisterExtension static final JamesDataDatabase DATABASE = new JamesDataDatabase();}
 */
public final class JamesDataDatabase implements BeforeAllCallback, AfterAllCallback {
    private PostgresTestDatabase database;
    private JamesDataEntityManagerFactory jamesData;
    /** The class that registered it: JUnit also calls these callbacks for its @Nested classes. */
    private Class<?> owner;

    @Override
    public void beforeAll(ExtensionContext context) {
        if (owner != null) {
            return;
        }
        owner = context.getRequiredTestClass();
        database = PostgresTestDatabase.create();
        jamesData = new JamesDataEntityManagerFactory(database.dataSource());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (context.getRequiredTestClass() != owner) {
            return;
        }
        jamesData.close();
        database.close();
    }

    public EntityManagerFactory entityManagerFactory() {
        return jamesData.entityManagerFactory();
    }

    public DataSource dataSource() {
        return database.dataSource();
    }

    /** Empties the tables between tests (the contracts expect an empty store). */
    public void truncate(String... tables) {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE " + String.join(", ", tables));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
