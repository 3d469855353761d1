package dev.jamespipeline.state;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.core.search.IndexBacklog;
import dev.jamespipeline.mailbox.postgres.MessageAppendHook;

/**
 * Makes a message's arrival in a mailbox, its ledger entries and its {@code mail.delivered} one
 * transaction: the PostgreSQL mailbox calls it inside the transaction that adds the message.
 *
 * <ul>
 *   <li>Every added message (pipeline or not: the indexer needs them all) gets a {@code mail.delivered}
 *       row in the outbox, which the {@link OutboxRelay} publishes; so a delivery is never left unannounced.</li>
 *   <li>A pipeline delivery claims (pipeline id, user, mailbox): a second delivery of the same pipeline
 *       message into the same mailbox of the same user throws, which rolls the whole addition back (the
 *       stage fails, and its retry finds DELIVERED and drops the recipient). Sieve's {@code fileinto :copy}
 *       into two mailboxes makes two claims. DELIVERED for the user is recorded idempotently.</li>
 *   <li>Every added message is recorded in the search index backlog ({@link PostgresIndexBacklog}), so a
 *       SEARCH finds it before the indexer has.</li>
 *   <li>A user's COPY or MOVE of a delivered message carries the same header but keeps the message id
 *       (James's copy semantics): it is recognised by that id and claims nothing.</li>
 * </ul>
 */
public final class PipelineAppendHook implements MessageAppendHook {
    /** The channel the relay listens on; notifications are sent at commit, so the relay finds the row. */
    static final String CHANNEL = "pipeline_outbox";

    private final EnvelopeCodec codec;
    private final Clock clock;

    /**
     * For the server main's injector, which binds the mailbox (and so this hook) in James's own injector:
     * the codec is made here, not asked of Guice, because the pipeline's child injector binds
     * {@link EnvelopeCodec} itself and a just-in-time binding of it in the parent would conflict.
     */
    @Inject
    public PipelineAppendHook(Clock clock) {
        this(new EnvelopeCodec(), clock);
    }

    public PipelineAppendHook(EnvelopeCodec codec, Clock clock) {
        this.codec = codec;
        this.clock = clock;
    }

    @Override
    public void added(Connection transaction, Mailbox mailbox, MailboxMessage message) throws SQLException {
        Optional<String> pipelineId = pipelineIdOf(message);
        String user = mailbox.getUser().asString().toLowerCase(Locale.ROOT);
        String mailboxId = mailbox.getMailboxId().serialize();
        String messageId = message.getMessageId().serialize();
        if (pipelineId.isPresent() && !isCopyOfADelivery(transaction, pipelineId.get(), user, messageId)) {
            claim(transaction, pipelineId.get(), user, mailboxId, messageId);
            PostgresDeliveryLedger.record(transaction, pipelineId.get(), LedgerEntry.delivered(user));
        }
        // Before the event: the search index cannot show the message before the backlog knows it.
        PostgresIndexBacklog.record(transaction,
            List.of(new IndexBacklog.Change(mailboxId, message.getUid().asLong(), message.getModSeq().asLong())));
        DeliveredEvent delivered = new DeliveredEvent(DeliveredEvent.VERSION, mailbox.getUser().asString(), mailbox.getName(),
            mailboxId, messageId, message.getUid().asLong(), message.getFullContentOctets(), pipelineId.orElse(null),
            clock.instant());
        Outbox.add(transaction, DeliveredEvent.ROUTING_KEY, codec.encode(delivered));
    }

    private static Optional<String> pipelineIdOf(MailboxMessage message) throws SQLException {
        try (InputStream header = message.getHeaderContent()) {
            return PipelineIdHeader.read(header);
        } catch (IOException e) {
            throw new SQLException("cannot read the header of the message added to the mailbox: " + e.getMessage(), e);
        }
    }

    private static boolean isCopyOfADelivery(Connection transaction, String pipelineId, String user, String messageId)
            throws SQLException {
        try (PreparedStatement select = transaction.prepareStatement(
                 "SELECT 1 FROM pipeline_mailbox_delivery WHERE pipeline_id = ? AND username = ? AND message_id = ?")) {
            select.setString(1, pipelineId);
            select.setString(2, user);
            select.setString(3, messageId);
            try (var found = select.executeQuery()) {
                return found.next();
            }
        }
    }

    /** Waits for a concurrent uncommitted claim of the same key, then fails if that one committed. */
    private static void claim(Connection transaction, String pipelineId, String user, String mailboxId, String messageId)
            throws SQLException {
        try (PreparedStatement insert = transaction.prepareStatement(
                 "INSERT INTO pipeline_mailbox_delivery (pipeline_id, username, mailbox_id, message_id) VALUES (?, ?, ?, ?) "
                     + "ON CONFLICT DO NOTHING")) {
            insert.setString(1, pipelineId);
            insert.setString(2, user);
            insert.setString(3, mailboxId);
            insert.setString(4, messageId);
            if (insert.executeUpdate() == 0) {
                throw new DuplicateDeliveryException(pipelineId, user, mailboxId);
            }
        }
    }
}
