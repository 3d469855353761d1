package dev.jamespipeline.mailbox.postgres.mail;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageManager.FlagsUpdateMode;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.ComposedMessageIdWithMetaData;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.MailboxReactorUtils;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.MessageIdMapper;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.reactivestreams.Publisher;

import com.google.common.collect.ImmutableListMultimap;
import com.google.common.collect.Multimap;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.mailbox.postgres.MessageAppendHook;
import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;
import dev.jamespipeline.mailbox.postgres.PostgresMessageId;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * James's {@link MessageIdMapper} over the same tables as {@link PostgresMessageMapper}: a message
 * id names one stored content and its memberships in any number of mailboxes. Flags are updated
 * in SQL as there, one mailbox at a time in mailbox-id order, so that two updates of one message
 * in several mailboxes lock in the same order and cannot deadlock.
 */
public class PostgresMessageIdMapper implements MessageIdMapper {
    private final MailboxMapper mailboxMapper;
    private final MessageDao messages;
    private final Clock clock;
    private final MessageAppendHook appendHook;

    public PostgresMessageIdMapper(MailboxMapper mailboxMapper, MessageDao messages, Clock clock, MessageAppendHook appendHook) {
        this.mailboxMapper = mailboxMapper;
        this.messages = messages;
        this.clock = clock;
        this.appendHook = appendHook;
    }

    @Override
    public List<MailboxMessage> find(Collection<MessageId> messageIds, FetchType fetchType) {
        if (messageIds.isEmpty()) {
            return List.of();
        }
        Memberships memberships = Memberships.ofMessages(messageIds.stream().map(PostgresMessageIdMapper::uuid).toList());
        return blocking(() -> messages.inTransaction(connection -> messages.find(connection, memberships, fetchType, MessageDao.NO_LIMIT)));
    }

    @Override
    public Flux<MailboxMessage> findReactive(Collection<MessageId> messageIds, FetchType fetchType) {
        return Jdbc.flux(() -> find(messageIds, fetchType));
    }

    @Override
    public Publisher<ComposedMessageIdWithMetaData> findMetadata(MessageId messageId) {
        return findReactive(List.of(messageId), FetchType.METADATA)
            .map(MailboxMessage::getComposedMessageIdWithMetaData);
    }

    @Override
    public List<MailboxId> findMailboxes(MessageId messageId) {
        return blocking(() -> messages.inTransaction(connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT mailbox_id FROM message_mailbox WHERE message_id = ?")) {
                select.setObject(1, uuid(messageId));
                try (ResultSet rows = select.executeQuery()) {
                    List<MailboxId> mailboxIds = new ArrayList<>();
                    while (rows.next()) {
                        mailboxIds.add(PostgresMailboxId.of(rows.getObject(1, UUID.class)));
                    }
                    return mailboxIds;
                }
            }
        }));
    }

    @Override
    public void save(MailboxMessage message) throws MailboxException {
        Mailbox mailbox = MailboxReactorUtils.block(mailboxMapper.findMailboxById(message.getMailboxId()));
        message.setSaveDate(Date.from(clock.instant()));
        messages.inTransactionOn(mailbox.getMailboxId(), connection -> {
            messages.insertContentIfAbsent(connection, message);
            messages.insertMembership(connection, uuid(mailbox.getMailboxId()), message, message.createFlags(), message.getSaveDate().get());
            appendHook.added(connection, mailbox, message);
            return null;
        });
    }

    /** Adds the stored message to {@code mailbox} under the message's uid and modseq, unless the mailbox already holds it. */
    @Override
    public void copyInMailbox(MailboxMessage message, Mailbox mailbox) throws MailboxException {
        message.setSaveDate(Date.from(clock.instant()));
        messages.inTransactionOn(mailbox.getMailboxId(), connection -> {
            if (messages.insertMembershipIfAbsent(connection, uuid(mailbox.getMailboxId()), message, message.createFlags(), message.getSaveDate().get())) {
                appendHook.added(connection, mailbox, message);
            }
            return null;
        });
    }

    @Override
    public void delete(MessageId messageId) {
        deleteMemberships(Memberships.ofMessages(List.of(uuid(messageId))));
    }

    @Override
    public void delete(MessageId messageId, Collection<MailboxId> mailboxIds) {
        if (!mailboxIds.isEmpty()) {
            deleteMemberships(Memberships.ofMessageIn(uuid(messageId), uuids(mailboxIds)));
        }
    }

    @Override
    public Mono<Multimap<MailboxId, UpdatedFlags>> setFlags(MessageId messageId, List<MailboxId> mailboxIds, Flags newState, FlagsUpdateMode updateMode) {
        FlagsUpdate update = new FlagsUpdate(newState, updateMode);
        List<UUID> inLockOrder = uuids(mailboxIds).stream().distinct().sorted().toList();
        return Jdbc.mono(() -> messages.inTransaction(connection -> {
            ImmutableListMultimap.Builder<MailboxId, UpdatedFlags> updates = ImmutableListMultimap.builder();
            for (UUID mailboxId : inLockOrder) {
                Optional<ModSeq> modSeq = messages.nextModSeq(connection, mailboxId);
                if (modSeq.isPresent()) {
                    updates.putAll(PostgresMailboxId.of(mailboxId),
                        messages.updateFlags(connection, mailboxId, Memberships.ofMessageIn(uuid(messageId), List.of(mailboxId)), update, modSeq.get()));
                }
            }
            return updates.build();
        }));
    }

    private void deleteMemberships(Memberships memberships) {
        blocking(() -> messages.inTransaction(connection -> messages.delete(connection, memberships)));
    }

    /** For the SPI methods that declare no checked exception. */
    private static <T> T blocking(Jdbc.Work<T> work) {
        try {
            return work.run();
        } catch (SQLException | MailboxException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static UUID uuid(MessageId messageId) {
        return ((PostgresMessageId) messageId).asUuid();
    }

    private static UUID uuid(MailboxId mailboxId) {
        return ((PostgresMailboxId) mailboxId).asUuid();
    }

    private static List<UUID> uuids(Collection<MailboxId> mailboxIds) {
        return mailboxIds.stream().map(PostgresMessageIdMapper::uuid).toList();
    }
}
