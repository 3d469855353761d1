package dev.jamespipeline.server.data;

import org.apache.james.mailrepository.MailRepositoryUrlStoreContract;
import org.apache.james.mailrepository.api.MailRepositoryUrlStore;
import org.apache.james.mailrepository.jpa.JPAMailRepositoryUrlStore;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.RegisterExtension;

/** James's {@link MailRepositoryUrlStoreContract} (the list of mail repositories) against its JPA store on PostgreSQL. */
@ExtendWith(PostgresMailRepositoryUrlStoreTest.UrlStore.class)
class PostgresMailRepositoryUrlStoreTest implements MailRepositoryUrlStoreContract {
    @RegisterExtension
    static final JamesDataDatabase DATABASE = new JamesDataDatabase();

    /** The contract takes the store as a test parameter. */
    static final class UrlStore implements ParameterResolver, AfterEachCallback {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == MailRepositoryUrlStore.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return new JPAMailRepositoryUrlStore(DATABASE.entityManagerFactory());
        }

        @Override
        public void afterEach(ExtensionContext context) {
            DATABASE.truncate("james_mail_repos");
        }
    }
}
