package dev.jamespipeline.server.data;

import org.apache.james.domainlist.api.DomainList;
import org.apache.james.domainlist.jpa.JPADomainList;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.lib.DomainListContract;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** James's {@link DomainListContract} against its JPA domain list on PostgreSQL, as our server binds it. */
class PostgresDomainListTest implements DomainListContract {
    @RegisterExtension
    static final JamesDataDatabase DATABASE = new JamesDataDatabase();

    private JPADomainList domainList;

    @BeforeEach
    void setUp() throws Exception {
        domainList = new JPADomainList(getDNSServer("localhost"), DATABASE.entityManagerFactory());
        domainList.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
    }

    @AfterEach
    void tearDown() {
        DATABASE.truncate("james_domain");
    }

    @Override
    public DomainList domainList() {
        return domainList;
    }
}
