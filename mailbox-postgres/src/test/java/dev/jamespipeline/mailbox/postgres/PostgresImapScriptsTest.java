package dev.jamespipeline.mailbox.postgres;

import java.util.Locale;

import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mpt.api.ImapHostSystem;
import org.apache.james.mpt.host.JamesImapHostSystem;
import org.apache.james.mpt.imapmailbox.suite.AuthenticatePlain;
import org.apache.james.mpt.imapmailbox.suite.AuthenticatedState;
import org.apache.james.mpt.imapmailbox.suite.ConcurrentSessions;
import org.apache.james.mpt.imapmailbox.suite.Condstore;
import org.apache.james.mpt.imapmailbox.suite.Copy;
import org.apache.james.mpt.imapmailbox.suite.Events;
import org.apache.james.mpt.imapmailbox.suite.Expunge;
import org.apache.james.mpt.imapmailbox.suite.Fetch;
import org.apache.james.mpt.imapmailbox.suite.FetchBodySection;
import org.apache.james.mpt.imapmailbox.suite.FetchBodyStructure;
import org.apache.james.mpt.imapmailbox.suite.FetchHeaders;
import org.apache.james.mpt.imapmailbox.suite.Listing;
import org.apache.james.mpt.imapmailbox.suite.ListingWithSharingTest;
import org.apache.james.mpt.imapmailbox.suite.MailboxAnnotation;
import org.apache.james.mpt.imapmailbox.suite.MailboxWithLongNameError;
import org.apache.james.mpt.imapmailbox.suite.Move;
import org.apache.james.mpt.imapmailbox.suite.NonAuthenticatedState;
import org.apache.james.mpt.imapmailbox.suite.ObjectId;
import org.apache.james.mpt.imapmailbox.suite.PartialFetch;
import org.apache.james.mpt.imapmailbox.suite.QuotaTest;
import org.apache.james.mpt.imapmailbox.suite.Recent;
import org.apache.james.mpt.imapmailbox.suite.Rename;
import org.apache.james.mpt.imapmailbox.suite.Search;
import org.apache.james.mpt.imapmailbox.suite.Security;
import org.apache.james.mpt.imapmailbox.suite.Select;
import org.apache.james.mpt.imapmailbox.suite.SelectedInbox;
import org.apache.james.mpt.imapmailbox.suite.SelectedState;
import org.apache.james.mpt.imapmailbox.suite.UidSearch;
import org.apache.james.mpt.imapmailbox.suite.UidSearchOnIndex;
import org.apache.james.mpt.imapmailbox.suite.UserFlagsSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * James's IMAP protocol scripts (MPT, {@code apache-james-mpt-imapmailbox-core}) against our
 * PostgreSQL mailbox: one nested class per script suite James runs on its memory mailbox
 * ({@code mpt/impl/imap-mailbox/inmemory} in James 3.8.1). All suites share one database, emptied
 * before each test.
 */
class PostgresImapScriptsTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private PostgresHostSystem hostSystem;

    @BeforeEach
    void startHostSystem() throws Exception {
        hostSystem = new PostgresHostSystem(database.dataSource());
        hostSystem.beforeTest();
    }

    @Nested
    class AuthenticatePlainScripts extends AuthenticatePlain {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class AuthenticatedStateScripts extends AuthenticatedState {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class ConcurrentSessionsScripts extends ConcurrentSessions {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class CondstoreScripts extends Condstore {
        @Override
        protected JamesImapHostSystem createJamesImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class CopyScripts extends Copy {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class EventsScripts extends Events {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class ExpungeScripts extends Expunge {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class FetchBodySectionScripts extends FetchBodySection {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class FetchBodyStructureScripts extends FetchBodyStructure {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class FetchHeadersScripts extends FetchHeaders {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class FetchScripts extends Fetch {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class ListingScripts extends Listing {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }

        // Not in the abstract suite: James's memory implementation adds it (InMemoryListingTest).
        @Test
        void listShouldUTF7EscapeSpecialChar() throws Exception {
            system.createMailbox(MailboxPath.forUser(USER, "projects & abc"));
            system.createMailbox(MailboxPath.forUser(USER, "mailbox #17"));
            system.createMailbox(MailboxPath.forUser(USER, "évaluations"));

            simpleScriptedTestProtocol
                .withLocale(Locale.KOREA)
                .run("ListSpecialChar");
        }
    }

    @Nested
    class ListingWithSharingScripts extends ListingWithSharingTest {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class MailboxAnnotationScripts extends MailboxAnnotation {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class MailboxWithLongNameErrorScripts extends MailboxWithLongNameError {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class MoveScripts extends Move {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class NonAuthenticatedStateScripts extends NonAuthenticatedState {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class ObjectIdScripts extends ObjectId {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class PartialFetchScripts extends PartialFetch {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class QuotaScripts extends QuotaTest {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class RecentScripts extends Recent {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class RenameScripts extends Rename {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class SearchScripts extends Search {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class SecurityScripts extends Security {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class SelectScripts extends Select {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class SelectedInboxScripts extends SelectedInbox {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class SelectedStateScripts extends SelectedState {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class UidSearchOnIndexScripts extends UidSearchOnIndex {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class UidSearchScripts extends UidSearch {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }

    @Nested
    class UserFlagsSupportScripts extends UserFlagsSupport {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }
    }
}
