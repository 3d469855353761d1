package dev.jamespipeline.server.data;

import org.apache.james.domainlist.jpa.JPADomainList;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.james.rrt.jpa.JPARecipientRewriteTable;
import org.apache.james.rrt.lib.AbstractRecipientRewriteTable;
import org.apache.james.rrt.lib.RecipientRewriteTableContract;
import org.apache.james.user.jpa.JPAUsersRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** James's {@link RecipientRewriteTableContract} against its JPA table on PostgreSQL, as our server binds it. */
class PostgresRecipientRewriteTableTest implements RecipientRewriteTableContract {
    @RegisterExtension
    static final JamesDataDatabase DATABASE = new JamesDataDatabase();

    private AbstractRecipientRewriteTable recipientRewriteTable;

    @BeforeEach
    void setup() throws Exception {
        setUp();
    }

    @AfterEach
    void teardown() throws Exception {
        tearDown();
        DATABASE.truncate("james_recipient_rewrite", "james_domain", "james_user");
    }

    @Override
    public void createRecipientRewriteTable() throws Exception {
        JPADomainList domainList = new JPADomainList(new InMemoryDNSService(), DATABASE.entityManagerFactory());
        domainList.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
        JPAUsersRepository users = new JPAUsersRepository(domainList);
        users.setEntityManagerFactory(DATABASE.entityManagerFactory());
        JPARecipientRewriteTable table = new JPARecipientRewriteTable();
        table.setEntityManagerFactory(DATABASE.entityManagerFactory());
        table.setUsersRepository(users);
        table.setDomainList(domainList);
        recipientRewriteTable = table;
    }

    @Override
    public AbstractRecipientRewriteTable virtualUserTable() {
        return recipientRewriteTable;
    }
}
