package dev.jamespipeline.ops.state;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

/**
 * The PostgreSQL message store: the database server's disk cannot be read over SQL (it may be another
 * machine), so only the database's size is measured; watch the server's disk where it runs.
 */
public final class PostgresStoreSpace implements StoreSpace {
    private final DataSource dataSource;

    public PostgresStoreSpace(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public PipelineState.StoreSample measure() throws IOException {
        try (Connection connection = dataSource.getConnection();
             Statement statement = connection.createStatement();
             ResultSet row = statement.executeQuery("SELECT current_database(), pg_database_size(current_database())")) {
            row.next();
            return new PipelineState.StoreSample("postgres", row.getString(1), null, null, null, null, row.getLong(2));
        } catch (SQLException e) {
            throw new IOException("PostgreSQL store: " + e.getMessage(), e);
        }
    }
}
