package dev.jamespipeline.server.data;

import org.apache.james.mailrepository.MailRepositoryUrlStoreContract;
import org.apache.james.mailrepository.api.MailRepositoryUrlStore;
import org.apache.james.mailrepository.jpa.JPAMailRepositoryUrlStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/** James's {@link MailRepositoryUrlStoreContract} (the list of mail repositories) against its JPA store on PostgreSQL. */
@ExtendWith(PostgresMailRepositoryUrlStoreTest.UrlStore.class)
class PostgresMailRepositoryUrlStoreTest implements MailRepositoryUrlStoreContract {
    private static JamesDataDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = JamesDataDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    /** The contract takes the store as a test parameter. */
    static final class UrlStore implements ParameterResolver, AfterEachCallback {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == MailRepositoryUrlStore.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return new JPAMailRepositoryUrlStore(database.entityManagerFactory());
        }

        @Override
        public void afterEach(ExtensionContext context) {
            database.truncate("james_mail_repos");
        }
    }
}
