package dev.jamespipeline.mailbox.postgres.mail;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import javax.mail.Flags;
import javax.mail.Flags.Flag;
import javax.sql.DataSource;

import org.apache.james.mailbox.ApplicableFlagBuilder;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxCounters;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.AbstractMessageMapper;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

import com.google.common.collect.ImmutableMap;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.mailbox.postgres.Jdbc.TransactionWork;
import dev.jamespipeline.mailbox.postgres.MessageAppendHook;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * James's {@link org.apache.james.mailbox.store.mail.MessageMapper} over PostgreSQL. Each call is
 * one transaction. UIDs and modseqs of added, copied and moved messages come from the providers
 * (atomic {@code UPDATE … RETURNING} on the mailbox row); a flags update allocates its modseq in
 * its own transaction, with the mailbox row locked until it commits, so that modseqs of a
 * mailbox's flag changes grow in commit order. {@link MessageAppendHook} runs inside the
 * transaction that adds a message to a mailbox.
 */
public class PostgresMessageMapper extends AbstractMessageMapper {
    private final UidProvider uidProvider;
    private final ModSeqProvider modSeqProvider;
    private final MessageDao messages;
    private final MessageAppendHook appendHook;

    public PostgresMessageMapper(MailboxSession session, UidProvider uidProvider, ModSeqProvider modSeqProvider, Clock clock,
                                 MessageDao messages, MessageAppendHook appendHook) {
        super(session, uidProvider, modSeqProvider, clock);
        this.uidProvider = uidProvider;
        this.modSeqProvider = modSeqProvider;
        this.messages = messages;
        this.appendHook = appendHook;
    }

    @Override
    public Iterator<MailboxMessage> findInMailbox(Mailbox mailbox, MessageRange set, FetchType type, int limit) throws MailboxException {
        return messages.inTransaction(connection ->
            messages.find(connection, Memberships.inRange(id(mailbox), set), type, limit)).iterator();
    }

    @Override
    public List<MessageUid> retrieveMessagesMarkedForDeletion(Mailbox mailbox, MessageRange range) throws MailboxException {
        return uids(Memberships.inRange(id(mailbox), range), "mm.is_deleted");
    }

    @Override
    public List<MessageUid> findRecentMessageUidsInMailbox(Mailbox mailbox) throws MailboxException {
        return uids(Memberships.inRange(id(mailbox), MessageRange.all()), "mm.is_recent");
    }

    @Override
    public MessageUid findFirstUnseenMessageUid(Mailbox mailbox) throws MailboxException {
        return messages.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT uid FROM message_mailbox WHERE mailbox_id = ? AND NOT is_seen ORDER BY uid LIMIT 1")) {
                select.setObject(1, id(mailbox));
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? MessageUid.of(row.getLong(1)) : null;
                }
            }
        });
    }

    @Override
    public Flux<MessageUid> listAllMessageUids(Mailbox mailbox) {
        return Mono.fromCallable(() -> uids(Memberships.inRange(id(mailbox), MessageRange.all()), "true"))
            .subscribeOn(Schedulers.boundedElastic())
            .flatMapIterable(uids -> uids);
    }

    @Override
    public long countMessagesInMailbox(Mailbox mailbox) throws MailboxException {
        return getMailboxCounters(mailbox).getCount();
    }

    @Override
    protected long countUnseenMessagesInMailbox(Mailbox mailbox) throws MailboxException {
        return getMailboxCounters(mailbox).getUnseen();
    }

    @Override
    public MailboxCounters getMailboxCounters(Mailbox mailbox) throws MailboxException {
        return messages.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT count(*), count(*) FILTER (WHERE NOT is_seen) FROM message_mailbox WHERE mailbox_id = ?")) {
                select.setObject(1, id(mailbox));
                try (ResultSet row = select.executeQuery()) {
                    row.next();
                    return MailboxCounters.builder()
                        .mailboxId(mailbox.getMailboxId())
                        .count(row.getLong(1))
                        .unseen(row.getLong(2))
                        .build();
                }
            }
        });
    }

    @Override
    public Flags getApplicableFlag(Mailbox mailbox) throws MailboxException {
        return messages.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT DISTINCT unnest(user_flags) FROM message_mailbox WHERE mailbox_id = ?")) {
                select.setObject(1, id(mailbox));
                try (ResultSet rows = select.executeQuery()) {
                    Flags userFlags = new Flags();
                    while (rows.next()) {
                        userFlags.add(rows.getString(1));
                    }
                    return ApplicableFlagBuilder.builder().add(userFlags).build();
                }
            }
        });
    }

    @Override
    public void delete(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        deleteMessages(mailbox, List.of(message.getUid()));
    }

    @Override
    public Map<MessageUid, MessageMetaData> deleteMessages(Mailbox mailbox, List<MessageUid> uids) throws MailboxException {
        if (uids.isEmpty()) {
            return ImmutableMap.of();
        }
        return messages.inTransaction(connection -> messages.delete(connection, Memberships.withUids(id(mailbox), uids)))
            .stream()
            .collect(ImmutableMap.toImmutableMap(MessageMetaData::getUid, metaData -> metaData));
    }

    @Override
    public Iterator<UpdatedFlags> updateFlags(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set) throws MailboxException {
        FlagsUpdate update = FlagsUpdate.of(calculator);
        UUID mailboxId = id(mailbox);
        return messages.inTransaction(connection -> {
            Optional<ModSeq> modSeq = messages.nextModSeq(connection, mailboxId);
            if (modSeq.isEmpty()) {
                return List.<UpdatedFlags>of();
            }
            return messages.updateFlags(connection, mailboxId, Memberships.inRange(mailboxId, set), update, modSeq.get());
        }).iterator();
    }

    @Override
    public MessageMetaData move(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        MailboxMessage moved = inDestination(mailbox, original);
        UUID from = id(original.getMailboxId());
        MessageUid originalUid = original.getUid();
        return addMembership(mailbox, moved, connection ->
            messages.delete(connection, Memberships.withUids(from, List.of(originalUid))));
    }

    @Override
    protected MessageMetaData copy(Mailbox mailbox, MessageUid uid, ModSeq modSeq, MailboxMessage original) throws MailboxException {
        MailboxMessage copy = StoredMailboxMessage.copyOf(original, mailbox.getMailboxId(), withRecent(original), Optional.empty());
        copy.setUid(uid);
        copy.setModSeq(modSeq);
        return addMembership(mailbox, copy, connection -> null);
    }

    @Override
    protected MessageMetaData save(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        message.setSaveDate(Date.from(clock.instant()));
        return messages.inTransactionOn(mailbox.getMailboxId(), connection -> {
            messages.insertContentIfAbsent(connection, message);
            messages.insertMembership(connection, id(mailbox), message, message.createFlags(), message.getSaveDate().get());
            appendHook.added(connection, mailbox, message);
            return message.metaData();
        });
    }

    /** Adds the membership of an already stored message (copy, move), then {@code andThen}, in one transaction. */
    private MessageMetaData addMembership(Mailbox mailbox, MailboxMessage message, TransactionWork<?> andThen) throws MailboxException {
        message.setSaveDate(Date.from(clock.instant()));
        return messages.inTransactionOn(mailbox.getMailboxId(), connection -> {
            messages.insertMembership(connection, id(mailbox), message, message.createFlags(), message.getSaveDate().get());
            andThen.run(connection);
            appendHook.added(connection, mailbox, message);
            return message.metaData();
        });
    }

    private MailboxMessage inDestination(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        MailboxMessage moved = StoredMailboxMessage.copyOf(original, mailbox.getMailboxId(), withRecent(original), Optional.empty());
        moved.setUid(uidProvider.nextUid(mailbox));
        moved.setModSeq(modSeqProvider.nextModSeq(mailbox));
        return moved;
    }

    /** A copied or moved message is new to its destination: \Recent there (RFC 3501 2.3.2). */
    private static Flags withRecent(MailboxMessage original) {
        Flags flags = original.createFlags();
        flags.add(Flag.RECENT);
        return flags;
    }

    private List<MessageUid> uids(Memberships memberships, String condition) throws MailboxException {
        return messages.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                "SELECT mm.uid FROM message_mailbox mm WHERE " + memberships.condition() + " AND " + condition + " ORDER BY mm.uid")) {
                memberships.bind(select, 1);
                try (ResultSet rows = select.executeQuery()) {
                    List<MessageUid> uids = new ArrayList<>();
                    while (rows.next()) {
                        uids.add(MessageUid.of(rows.getLong(1)));
                    }
                    return uids;
                }
            }
        });
    }

    private static UUID id(Mailbox mailbox) {
        return id(mailbox.getMailboxId());
    }

    private static UUID id(org.apache.james.mailbox.model.MailboxId mailboxId) {
        return ((PostgresMailboxId) mailboxId).asUuid();
    }

    @Override
    protected void begin() {
        // Each mapper call is its own JDBC transaction.
    }

    @Override
    protected void commit() {
        // Each mapper call is its own JDBC transaction.
    }

    @Override
    protected void rollback() {
        // Each mapper call is its own JDBC transaction.
    }
}
