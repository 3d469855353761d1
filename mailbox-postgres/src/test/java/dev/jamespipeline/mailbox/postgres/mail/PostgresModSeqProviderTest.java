package dev.jamespipeline.mailbox.postgres.mail;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.stream.LongStream;

import org.apache.james.core.Username;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.UidValidity;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.MailboxDatabaseExtension;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;

class PostgresModSeqProviderTest {
    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    private PostgresModSeqProvider modSeqs;
    private Mailbox inbox;

    @BeforeEach
    void setUp() {
        modSeqs = new PostgresModSeqProvider(database.dataSource());
        inbox = new PostgresMailboxMapper(database.dataSource())
            .create(MailboxPath.inbox(Username.of("alice")), UidValidity.of(7)).block();
    }

    @Test
    void aNewMailboxIsAtTheFirstModSeqAndHandsOutOneNext() throws Exception {
        assertThat(modSeqs.highestModSeq(inbox)).isEqualTo(ModSeq.first());

        assertThat(modSeqs.nextModSeq(inbox)).isEqualTo(ModSeq.of(1));
        assertThat(modSeqs.nextModSeq(inbox.getMailboxId())).isEqualTo(ModSeq.of(2));
        assertThat(modSeqs.highestModSeq(inbox.getMailboxId())).isEqualTo(ModSeq.of(2));
    }

    @Test
    void anAbsentMailboxIsReportedNotFound() {
        assertThatThrownBy(() -> modSeqs.highestModSeq(PostgresMailboxId.generate())).isInstanceOf(MailboxNotFoundException.class);
    }

    @Test
    void concurrentAllocationsFromSeparateProvidersNeverRepeatAModSeq() throws Exception {
        List<ModSeq> allocated = Concurrently.run(8, 50,
            () -> new PostgresModSeqProvider(database.dataSource()).nextModSeq(inbox.getMailboxId()));

        assertThat(allocated.stream().map(ModSeq::asLong).toList())
            .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, 400).boxed().toList());
    }
}
