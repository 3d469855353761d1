package dev.jamespipeline.mailbox.postgres.mail;

import java.util.List;
import java.util.Optional;
import java.util.stream.LongStream;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.UidProvider;

import com.google.common.collect.ImmutableList;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import reactor.core.publisher.Mono;

/** UIDs from {@code mailbox.last_uid}, allocated atomically in SQL (see {@link MailboxCounter}). */
public class PostgresUidProvider implements UidProvider {
    private final DataSource dataSource;

    @Inject
    public PostgresUidProvider(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public MessageUid nextUid(Mailbox mailbox) throws MailboxException {
        return nextUid(mailbox.getMailboxId());
    }

    @Override
    public MessageUid nextUid(MailboxId mailboxId) throws MailboxException {
        return MessageUid.of(MailboxCounter.LAST_UID.advance(dataSource, mailboxId, 1));
    }

    /** {@code count} consecutive UIDs in one statement. */
    @Override
    public Mono<List<MessageUid>> nextUids(MailboxId mailboxId, int count) {
        return Jdbc.mono(() -> {
            long last = MailboxCounter.LAST_UID.advance(dataSource, mailboxId, count);
            return LongStream.rangeClosed(last - count + 1, last)
                .mapToObj(MessageUid::of)
                .collect(ImmutableList.toImmutableList());
        });
    }

    @Override
    public Optional<MessageUid> lastUid(Mailbox mailbox) throws MailboxException {
        long last = MailboxCounter.LAST_UID.current(dataSource, mailbox.getMailboxId());
        return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
    }
}
