package dev.jamespipeline.mailbox.postgres.mail;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.ModSeqProvider;

/** Modseqs from {@code mailbox.highest_modseq}, allocated atomically in SQL (see {@link MailboxCounter}). */
public class PostgresModSeqProvider implements ModSeqProvider {
    private final DataSource dataSource;

    @Inject
    public PostgresModSeqProvider(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public ModSeq nextModSeq(Mailbox mailbox) throws MailboxException {
        return nextModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq nextModSeq(MailboxId mailboxId) throws MailboxException {
        return ModSeq.of(MailboxCounter.HIGHEST_MODSEQ.advance(dataSource, mailboxId, 1));
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
        return highestModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq highestModSeq(MailboxId mailboxId) throws MailboxException {
        return ModSeq.of(MailboxCounter.HIGHEST_MODSEQ.current(dataSource, mailboxId));
    }
}
