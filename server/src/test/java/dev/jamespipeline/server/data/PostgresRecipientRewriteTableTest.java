package dev.jamespipeline.server.data;

import org.apache.james.domainlist.jpa.JPADomainList;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.dnsservice.api.InMemoryDNSService;
import org.apache.james.rrt.jpa.JPARecipientRewriteTable;
import org.apache.james.rrt.lib.AbstractRecipientRewriteTable;
import org.apache.james.rrt.lib.RecipientRewriteTableContract;
import org.apache.james.user.jpa.JPAUsersRepository;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** James's {@link RecipientRewriteTableContract} against its JPA table on PostgreSQL, as our server binds it. */
class PostgresRecipientRewriteTableTest implements RecipientRewriteTableContract {
    private static JamesDataDatabase database;

    private AbstractRecipientRewriteTable recipientRewriteTable;

    @BeforeAll
    static void createDatabase() {
        database = JamesDataDatabase.create();
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @BeforeEach
    void setup() throws Exception {
        setUp();
    }

    @AfterEach
    void teardown() throws Exception {
        tearDown();
        database.truncate("james_recipient_rewrite", "james_domain", "james_user");
    }

    @Override
    public void createRecipientRewriteTable() throws Exception {
        JPADomainList domainList = new JPADomainList(new InMemoryDNSService(), database.entityManagerFactory());
        domainList.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
        JPAUsersRepository users = new JPAUsersRepository(domainList);
        users.setEntityManagerFactory(database.entityManagerFactory());
        JPARecipientRewriteTable table = new JPARecipientRewriteTable();
        table.setEntityManagerFactory(database.entityManagerFactory());
        table.setUsersRepository(users);
        table.setDomainList(domainList);
        recipientRewriteTable = table;
    }

    @Override
    public AbstractRecipientRewriteTable virtualUserTable() {
        return recipientRewriteTable;
    }
}
