package dev.jamespipeline.server.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Date;

import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.builder.MimeMessageBuilder;
import org.apache.james.mailrepository.MailRepositoryContract;
import org.apache.james.mailrepository.api.MailKey;
import org.apache.james.mailrepository.api.MailRepository;
import org.apache.james.mailrepository.api.MailRepositoryPath;
import org.apache.james.mailrepository.api.MailRepositoryUrl;
import org.apache.james.mailrepository.jpa.JPAMailRepository;
import org.apache.mailet.Mail;
import org.apache.mailet.base.test.FakeMail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/** James's {@link MailRepositoryContract} against its JPA mail repository on PostgreSQL ({@code postgres://} URLs). */
class PostgresMailRepositoryTest implements MailRepositoryContract {
    private static JamesDataDatabase database;

    private JPAMailRepository mailRepository;

    @BeforeAll
    static void createDatabase() {
        database = JamesDataDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        mailRepository = retrieveRepository(MailRepositoryPath.from("testrepo"));
    }

    @AfterEach
    void tearDown() {
        database.truncate("james_mail_store");
    }

    @Override
    public MailRepository retrieveRepository() {
        return mailRepository;
    }

    @Override
    public JPAMailRepository retrieveRepository(MailRepositoryPath path) throws Exception {
        BaseHierarchicalConfiguration configuration = new BaseHierarchicalConfiguration();
        configuration.addProperty("[@destinationURL]",
            MailRepositoryUrl.fromPathAndProtocol(PostgresDataModule.MAIL_REPOSITORY_PROTOCOL, path).asString());
        JPAMailRepository repository = new JPAMailRepository(database.entityManagerFactory());
        repository.configure(configuration);
        repository.init();
        return repository;
    }

    @Override
    @Test
    @Disabled("JPAMailRepository 3.8.1 does not store DSN parameters (JAMES-3431: no serialization of attribute "
        + "collections); excluded in James's own JPAMailRepositoryTest too")
    public void shouldPreserveDsnParameters() {
    }

    /** OpenJPA's own schema makes these varchar(20) and varchar(255): an error mail to many recipients from IPv6 failed. */
    @Test
    void keepsAnErrorMailFromAnIpv6ClientToManyRecipients() throws Exception {
        FakeMail.Builder mail = FakeMail.builder().name("many-recipients")
            .mimeMessage(MimeMessageBuilder.mimeMessageBuilder().setSubject("error").setText("body"))
            .sender("alice@example.com")
            .remoteAddr("2001:0db8:85a3:0000:0000:8a2e:0370:7334")
            .remoteHost("a-rather-long-host-name.example.com")
            .errorMessage("x".repeat(500))
            .lastUpdated(new Date())
            .state(Mail.ERROR);
        for (int i = 0; i < 60; i++) {
            mail.recipient("recipient-number-" + i + "@example.com");
        }

        MailKey key = mailRepository.store(mail.build());

        assertThat(mailRepository.retrieve(key).getRecipients()).hasSize(60);
        assertThat(mailRepository.retrieve(key).getRemoteAddr()).isEqualTo("2001:0db8:85a3:0000:0000:8a2e:0370:7334");
    }
}
