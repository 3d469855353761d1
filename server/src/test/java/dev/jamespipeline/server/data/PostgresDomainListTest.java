package dev.jamespipeline.server.data;

import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.jpa.JPADomainList;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.lib.DomainListContract;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** James's {@link DomainListContract} against its JPA domain list on PostgreSQL, as our server binds it. */
class PostgresDomainListTest implements DomainListContract {
    private static JamesDataDatabase database;

    private JPADomainList domainList;

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
        domainList = new JPADomainList(getDNSServer("localhost"), database.entityManagerFactory());
        domainList.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
    }

    @AfterEach
    void tearDown() {
        database.truncate("james_domain");
    }

    @Override
    public DomainList domainList() {
        return domainList;
    }
}
