package dev.jamespipeline.server.data;

import java.util.Optional;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.Username;
import org.apache.james.domainlist.api.DomainList;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.jpa.JPAUsersRepository;
import org.apache.james.user.lib.UsersRepositoryContract;
import org.apache.james.user.lib.UsersRepositoryContract.UserRepositoryExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.extension.RegisterExtension;

/** James's users repository contract, with and without virtual hosting, against its JPA repository on PostgreSQL. */
class PostgresUsersRepositoryTest {
    private static JamesDataDatabase database;

    @BeforeAll
    static void createDatabase() {
        database = JamesDataDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @AfterEach
    void tearDown() {
        database.truncate("james_user");
    }

    @Nested
    class WithVirtualHosting implements UsersRepositoryContract.WithVirtualHostingContract {
        @RegisterExtension
        UserRepositoryExtension extension = UserRepositoryExtension.withVirtualHost();

        private UsersRepositoryContract.TestSystem testSystem;
        private UsersRepository usersRepository;

        @BeforeEach
        void setUp(UsersRepositoryContract.TestSystem testSystem) throws Exception {
            this.testSystem = testSystem;
            usersRepository = usersRepository(testSystem.getDomainList(), true, Optional.empty());
        }

        @Override
        public UsersRepository testee() {
            return usersRepository;
        }

        @Override
        public UsersRepository testee(Optional<Username> administrator) throws Exception {
            return usersRepository(testSystem.getDomainList(), true, administrator);
        }
    }

    @Nested
    class WithoutVirtualHosting implements UsersRepositoryContract.WithOutVirtualHostingContract {
        @RegisterExtension
        UserRepositoryExtension extension = UserRepositoryExtension.withoutVirtualHosting();

        private UsersRepositoryContract.TestSystem testSystem;
        private UsersRepository usersRepository;

        @BeforeEach
        void setUp(UsersRepositoryContract.TestSystem testSystem) throws Exception {
            this.testSystem = testSystem;
            usersRepository = usersRepository(testSystem.getDomainList(), false, Optional.empty());
        }

        @Override
        public UsersRepository testee() {
            return usersRepository;
        }

        @Override
        public UsersRepository testee(Optional<Username> administrator) throws Exception {
            return usersRepository(testSystem.getDomainList(), false, administrator);
        }
    }

    /** As {@link PostgresUsersRepositoryModule} configures it from usersrepository.xml. */
    private static UsersRepository usersRepository(DomainList domainList, boolean virtualHosting,
                                                   Optional<Username> administrator) throws Exception {
        JPAUsersRepository repository = new JPAUsersRepository(domainList);
        repository.setEntityManagerFactory(database.entityManagerFactory());
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("enableVirtualHosting", String.valueOf(virtualHosting));
        configuration.addProperty("algorithm", "PBKDF2-SHA512");
        administrator.ifPresent(username -> configuration.addProperty("administratorId", username.asString()));
        repository.configure(configuration);
        return repository;
    }
}
