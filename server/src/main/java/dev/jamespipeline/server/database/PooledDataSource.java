package dev.jamespipeline.server.database;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;
import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * The one connection pool of this James; closed when James stops, after what uses it (James's stager
 * closes in the reverse order of creation, and what uses the pool is created after it).
 */
@Singleton
public final class PooledDataSource {
    private final HikariDataSource dataSource;

    @Inject
    public PooledDataSource(DatabaseConfiguration configuration) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("james-postgresql");
        config.setDriverClassName(DatabaseConfiguration.POSTGRESQL_DRIVER);
        config.setJdbcUrl(configuration.url());
        configuration.username().ifPresent(config::setUsername);
        configuration.password().ifPresent(config::setPassword);
        config.setMaximumPoolSize(configuration.poolSize());
        config.setConnectionTimeout(configuration.connectionTimeoutMillis());
        this.dataSource = new HikariDataSource(config);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    @PreDestroy
    public void close() {
        dataSource.close();
    }
}
