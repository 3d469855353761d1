package dev.jamespipeline.server.database;

import javax.inject.Singleton;
import javax.sql.DataSource;

import org.apache.commons.configuration2.ex.ConfigurationException;
import org.apache.james.utils.PropertiesProvider;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;

/**
 * The PostgreSQL of {@code conf/james-database.properties}: one {@link DataSource} (a bounded pool) for
 * everything in this James that keeps state in SQL (James's data, the mailbox, the pipeline's state).
 */
public final class DatabaseModule extends AbstractModule {
    // PooledDataSource is built by Guice (not a @Provides method) so that its @PreDestroy runs on stop.

    @Provides
    @Singleton
    DatabaseConfiguration configuration(PropertiesProvider propertiesProvider) throws ConfigurationException {
        try {
            return DatabaseConfiguration.from(propertiesProvider.getConfiguration(DatabaseConfiguration.FILE));
        } catch (java.io.FileNotFoundException e) {
            throw new ConfigurationException("conf/" + DatabaseConfiguration.FILE + ".properties is missing: it names the PostgreSQL to use", e);
        }
    }

    @Provides
    @Singleton
    DataSource dataSource(PooledDataSource pool) {
        return pool.dataSource();
    }
}
