package dev.jamespipeline.mailbox.postgres;

import org.apache.james.mpt.api.ImapHostSystem;
import org.apache.james.mpt.imapmailbox.suite.ConcurrentSessions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * James's IMAP scripts with several sessions at once (the only suite that opens more than one),
 * each session on one of two nodes sharing the database: EXISTS, EXPUNGE, FETCH FLAGS and
 * RENAME responses must reach a session whose node did not make the change.
 */
class PostgresImapScriptsOnTwoNodesTest extends ConcurrentSessions {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private TwoNodesHostSystem hostSystem;

    @Override
    @BeforeEach
    public void setUp() throws Exception {
        hostSystem = new TwoNodesHostSystem(database.dataSource());
        hostSystem.beforeTest();
        super.setUp();
    }

    @Override
    protected ImapHostSystem createImapHostSystem() {
        return hostSystem;
    }
}
