package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.james.mpt.api.ImapHostSystem;
import org.apache.james.mpt.imapmailbox.suite.Search;
import org.apache.james.mpt.imapmailbox.suite.SelectedState;
import org.apache.james.mpt.imapmailbox.suite.UidSearch;
import org.apache.james.mpt.imapmailbox.suite.UidSearchOnIndex;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.search.james.OpenSearchMessageSearchIndex;

/**
 * James's own IMAP SEARCH scripts (MPT, {@code apache-james-mpt-imapmailbox-core}), run unchanged by
 * James's suite classes against our server as its main wires it: mailboxes in PostgreSQL, SEARCH answered
 * by {@code OpenSearchMessageSearchIndex} from this class's own OpenSearch index, kept by the indexer from
 * the events the listeners publish to RabbitMQ. The host system never waits for the indexer: every
 * SEARCH comes straight after the APPEND, STORE or EXPUNGE before it (issue 11).
 *
 * <p>The scripts: {@code Search}, {@code Uid} and {@code SearchSaveDate} ({@link SelectedState}, which
 * also runs its other selected-state scripts), {@code SearchAtoms}, {@code SearchCombinations},
 * {@code SearchOptionSave} and {@code SearchOptionAggregations} ({@link Search}), {@code UidSearchAtoms}
 * and {@code UidSearchCombinations} ({@link UidSearch}), {@code UidSearchAtomsIndexer}
 * ({@link UidSearchOnIndex}).
 */
class OpenSearchImapScriptsIT {
    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers()
        // The scripts log in as "imapuser", without a domain.
        .editConf("usersrepository.xml", text -> text.replace("<enableVirtualHosting>true</enableVirtualHosting>",
            "<enableVirtualHosting>false</enableVirtualHosting>"))
        .override(ServerImapHostSystem.ImapStackProbe.MODULE);

    private static ServerImapHostSystem hostSystem;

    @BeforeAll
    static void connectHostSystem() {
        ServerImapHostSystem.ImapStackProbe stack = PIPELINE.james().server().getProbe(ServerImapHostSystem.ImapStackProbe.class);
        // The scripts prove our search only if it is what answers them, not James's scanning search.
        assertThat(stack.searchIndex()).isInstanceOf(OpenSearchMessageSearchIndex.class);
        hostSystem = new ServerImapHostSystem(stack);
    }

    @BeforeEach
    void startFromNoUsers() throws Exception {
        hostSystem.beforeTest();
    }

    @Nested
    class SelectedStateScripts extends SelectedState {
        @Override
        protected ImapHostSystem createImapHostSystem() {
            return hostSystem;
        }

        @Override
        @Test
        @Disabled("REPLACE (RFC 8508) is not in the IMAP package James 3.8.1's Guice servers bind (ImapPackage.DEFAULT "
            + "has neither its parser nor its processor, nor advertises it), so ours answers 'UID failed. Illegal "
            + "arguments.' as stock James does; James's in-memory script host builds its processor another way")
        public void testReplace() {
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
    class UidSearchScripts extends UidSearch {
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
}
