package dev.jamespipeline.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

import javax.sql.DataSource;

import org.testcontainers.containers.PostgreSQLContainer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A fresh, empty PostgreSQL database for one test class, dropped on {@link #close()}. The server:
 * {@code PIPELINE_TEST_POSTGRES_URL} (a JDBC URL whose user may create databases) if set; otherwise
 * the local PostgreSQL on 127.0.0.1:5432 as user {@code postgres}; otherwise, with a Docker engine,
 * one started by Testcontainers.
 */
public final class PostgresTestDatabase implements AutoCloseable {
    public static final String URL_VARIABLE = "PIPELINE_TEST_POSTGRES_URL";
    private static final String LOCAL_ADMIN_URL = "jdbc:postgresql://127.0.0.1:5432/postgres?user=postgres";

    private static String adminUrl;

    private final String name;
    private final String url;
    private final HikariDataSource dataSource;

    private PostgresTestDatabase(String name, String url, int poolSize) {
        this.name = name;
        this.url = url;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setMaximumPoolSize(poolSize);
        config.setPoolName("test-" + name);
        this.dataSource = new HikariDataSource(config);
    }

    public static PostgresTestDatabase create() {
        return create(8);
    }

    public static PostgresTestDatabase create(int poolSize) {
        String admin = adminUrl();
        String name = "pipeline_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16).toLowerCase(Locale.ROOT);
        execute(admin, "CREATE DATABASE " + name);
        return new PostgresTestDatabase(name, withDatabase(admin, name), poolSize);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** A JDBC URL of this database, credentials included as URL parameters. */
    public String jdbcUrl() {
        return url;
    }

    public String name() {
        return name;
    }

    @Override
    public void close() {
        dataSource.close();
        execute(adminUrl(), "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private static synchronized String adminUrl() {
        if (adminUrl == null) {
            String configured = System.getenv(URL_VARIABLE);
            if (configured != null && !configured.isBlank()) {
                adminUrl = configured;
            } else if (reachable(LOCAL_ADMIN_URL)) {
                adminUrl = LOCAL_ADMIN_URL;
            } else {
                adminUrl = Containers.start();
            }
        }
        return adminUrl;
    }

    static String withDatabase(String url, String database) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        String parameters = query < 0 ? "" : url.substring(query);
        return base.substring(0, base.lastIndexOf('/') + 1) + database + parameters;
    }

    private static boolean reachable(String url) {
        try (Connection ignored = DriverManager.getConnection(url)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static void execute(String url, String sql) {
        try (Connection connection = DriverManager.getConnection(url); Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + url + ": " + sql + " failed: " + e.getMessage(), e);
        }
    }

    /** Only touched when no server is configured or local, so Testcontainers stays optional. */
    private static final class Containers {
        static String start() {
            PostgreSQLContainer<?> container = new PostgreSQLContainer<>("postgres:15");
            container.start();
            return container.getJdbcUrl() + (container.getJdbcUrl().contains("?") ? "&" : "?")
                + "user=" + container.getUsername() + "&password=" + container.getPassword();
        }
    }
}
