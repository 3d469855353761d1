package dev.jamespipeline.mailbox.postgres;

import javax.sql.DataSource;

import org.apache.james.core.Username;
import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.core.quota.QuotaSizeLimit;
import org.apache.james.events.InVMEventBus;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mpt.api.Continuation;
import org.apache.james.mpt.api.ImapFeatures.Feature;
import org.apache.james.mpt.api.ImapHostSystem;
import org.apache.james.mpt.api.Session;

/**
 * Two James nodes over one PostgreSQL database and one event bus (as the server's nodes share
 * RabbitMQ), James's IMAP scripts opening their sessions on each node in turn: what one session
 * changes, a session on the other node must see. The nodes run without quotas: James's quota
 * managers used in these tests live in a node's heap, and only one node may register the listener
 * that keeps them current.
 */
final class TwoNodesHostSystem implements ImapHostSystem {
    private final PostgresHostSystem first;
    private final PostgresHostSystem second;
    private int sessionsOpened;

    TwoNodesHostSystem(DataSource dataSource) {
        first = new PostgresHostSystem(dataSource);
        second = new PostgresHostSystem(dataSource);
    }

    @Override
    public void beforeTest() throws Exception {
        InVMEventBus eventBus = PostgresBackendFixture.eventBus();
        PostgresMailboxBackend.QuotaWiring noQuotas = (sessionProvider, mapperFactory, bus) -> QuotaComponents.disabled(sessionProvider, mapperFactory);
        first.start(eventBus, noQuotas);
        second.start(eventBus, noQuotas);
        sessionsOpened = 0;
    }

    @Override
    public void afterTest() throws Exception {
        first.afterTest();
        second.afterTest();
    }

    @Override
    public Session newSession(Continuation continuation) throws Exception {
        PostgresHostSystem node = sessionsOpened++ % 2 == 0 ? first : second;
        return node.newSession(continuation);
    }

    @Override
    public boolean addUser(Username user, String password) throws Exception {
        return first.addUser(user, password) && second.addUser(user, password);
    }

    @Override
    public void createMailbox(MailboxPath mailboxPath) throws Exception {
        first.createMailbox(mailboxPath);
    }

    @Override
    public void grantRights(MailboxPath mailboxPath, Username username, MailboxACL.Rfc4314Rights rights) throws Exception {
        first.grantRights(mailboxPath, username, rights);
    }

    @Override
    public boolean supports(Feature... features) {
        for (Feature feature : features) {
            if (feature == Feature.QUOTA_SUPPORT || !first.supports(feature)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void setQuotaLimits(QuotaCountLimit maxMessageQuota, QuotaSizeLimit maxStorageQuota) {
        throw new UnsupportedOperationException("The two nodes run without quotas");
    }
}
