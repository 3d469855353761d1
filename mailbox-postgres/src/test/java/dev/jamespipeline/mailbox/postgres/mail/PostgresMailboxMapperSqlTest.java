package dev.jamespipeline.mailbox.postgres.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.apache.james.core.Username;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxACL;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.model.search.PrefixedWildcard;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;
import reactor.core.Exceptions;

/** What James's contract does not cover: SQL wildcards in names, and two nodes racing on one path. */
class PostgresMailboxMapperSqlTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private static final Username ALICE = Username.of("alice");

    private PostgresMailboxMapper mapper;

    @BeforeEach
    void setUp() {
        mapper = new PostgresMailboxMapper(database.dataSource());
    }

    @Test
    void sqlWildcardsInANameAreLiteralInListPatterns() {
        Mailbox percent = create("100%");
        create("100 and more");
        Mailbox underscore = create("a_b");
        create("axb");
        Mailbox backslash = create("c\\d");
        create("cxd");

        assertThat(list(new PrefixedWildcard("100%"))).containsExactly(percent);
        assertThat(list(new PrefixedWildcard("a_"))).containsExactly(underscore);
        assertThat(list(new PrefixedWildcard("c\\"))).containsExactly(backslash);
    }

    @Test
    void sqlWildcardsInANameAreLiteralWhenLookingForChildren() {
        Mailbox parent = create("a_b");
        create("axb.child");

        assertThat(mapper.hasChildren(parent, '.').block()).isFalse();
        create("a_b.child");
        assertThat(mapper.hasChildren(parent, '.').block()).isTrue();
    }

    @Test
    void twoNodesCreatingOneMailboxAtOnceMakeOnlyOne() throws Exception {
        MailboxPath path = MailboxPath.forUser(ALICE, "raced");

        // A mapper per call stands for separate nodes: only the database is shared.
        List<Boolean> created = Concurrently.run(8, 1, () -> {
            try {
                new PostgresMailboxMapper(database.dataSource()).create(path, UidValidity.of(1)).block();
                return true;
            } catch (RuntimeException e) {
                assertThat(Exceptions.unwrap(e)).isInstanceOf(MailboxExistsException.class);
                return false;
            }
        });

        assertThat(created).containsOnlyOnce(true);
        assertThat(mapper.list().collectList().block()).hasSize(1);
    }

    @Test
    void sharedMailboxesAreFoundOnlyWithTheAskedRight() throws Exception {
        Username bob = Username.of("bob");
        Mailbox readable = create("readable");
        Mailbox other = create("other");
        mapper.updateACL(readable, MailboxACL.command().forUser(bob).rights(MailboxACL.Right.Read).asAddition()).block();
        mapper.updateACL(other, MailboxACL.command().forUser(bob).rights(MailboxACL.Right.Lookup).asAddition()).block();

        assertThat(mapper.findNonPersonalMailboxes(bob, MailboxACL.Right.Read).collectList().block())
            .extracting(Mailbox::getName).containsExactly("readable");
    }

    private Mailbox create(String name) {
        return mapper.create(MailboxPath.forUser(ALICE, name), UidValidity.of(1)).block();
    }

    private List<Mailbox> list(PrefixedWildcard expression) {
        return mapper.findMailboxWithPathLike(MailboxQuery.builder()
            .username(ALICE)
            .privateNamespace()
            .expression(expression)
            .build()
            .asUserBound()).collectList().block();
    }
}
