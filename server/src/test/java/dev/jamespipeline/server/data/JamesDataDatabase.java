package dev.jamespipeline.server.data;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import javax.persistence.EntityManagerFactory;
import javax.sql.DataSource;

import dev.jamespipeline.testing.PostgresTestDatabase;

/** A fresh PostgreSQL database with James's data tables and OpenJPA on it, for one test class. */
final class JamesDataDatabase implements AutoCloseable {
    private final PostgresTestDatabase database;
    private final JamesDataEntityManagerFactory jamesData;

    private JamesDataDatabase(PostgresTestDatabase database) {
        this.database = database;
        this.jamesData = new JamesDataEntityManagerFactory(database.dataSource());
    }

    static JamesDataDatabase create() {
        return new JamesDataDatabase(PostgresTestDatabase.create());
    }

    EntityManagerFactory entityManagerFactory() {
        return jamesData.entityManagerFactory();
    }

    DataSource dataSource() {
        return database.dataSource();
    }

    /** Empties the tables between tests (the contracts expect an empty store). */
    void truncate(String... tables) {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE " + String.join(", ", tables));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        jamesData.close();
        database.close();
    }
}
