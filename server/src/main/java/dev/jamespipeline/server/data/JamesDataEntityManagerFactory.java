package dev.jamespipeline.server.data;

import java.util.Map;

import javax.annotation.PreDestroy;
import javax.inject.Inject;
import javax.inject.Singleton;
import javax.persistence.EntityManagerFactory;
import javax.persistence.Persistence;
import javax.sql.DataSource;

/**
 * OpenJPA for James's JPA data classes ({@code james-server-data-jpa}), on this James's connection pool
 * rather than a pool of its own. The persistence unit is ours ({@code META-INF/persistence.xml}); its
 * tables are Flyway's ({@link JamesDataSchema}), so OpenJPA never changes the schema.
 */
@Singleton
public final class JamesDataEntityManagerFactory {
    public static final String PERSISTENCE_UNIT = "james-data";

    private final EntityManagerFactory entityManagerFactory;

    @Inject
    public JamesDataEntityManagerFactory(DataSource dataSource) {
        JamesDataSchema.migrate(dataSource);
        this.entityManagerFactory = Persistence.createEntityManagerFactory(PERSISTENCE_UNIT, Map.of(
            "openjpa.ConnectionFactory", dataSource,
            "openjpa.jdbc.DBDictionary", "postgres",
            // As James's JPA app: one factory, entity managers on many threads.
            "openjpa.Multithreaded", "true",
            "openjpa.Log", "slf4j"));
    }

    public EntityManagerFactory entityManagerFactory() {
        return entityManagerFactory;
    }

    @PreDestroy
    public void close() {
        entityManagerFactory.close();
    }
}
