package dev.jamespipeline.mailbox.postgres.thread;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import javax.inject.Inject;
import javax.sql.DataSource;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.ThreadNotFoundException;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.ThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.MimeMessageId;
import org.apache.james.mailbox.store.mail.model.Subject;
import org.apache.james.mailbox.store.search.SearchUtil;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.mailbox.postgres.PostgresMessageId;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Thread ids kept in PostgreSQL, shared by every node (James's Cassandra and 3.9 PostgreSQL
 * scheme). A message joins the thread of an earlier message of the same user that shares one of
 * its Message-ID / In-Reply-To / References values and its base subject ("Re: x" and "x" match);
 * otherwise it starts a thread named by its own message id. Table {@code message_thread} holds,
 * per message, those values and the base subject, hashed (a Message-ID is client-chosen text of
 * any length). A thread's messages are listed from {@code message.thread_id}, in arrival order.
 * Two related messages guessed at the same moment on two nodes may start two threads, as in James.
 */
public class PostgresThreadIdGuessingAlgorithm implements ThreadIdGuessingAlgorithm {
    private static final HashFunction HASH = Hashing.murmur3_32_fixed();

    private final DataSource dataSource;

    @Inject
    public PostgresThreadIdGuessingAlgorithm(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public Mono<ThreadId> guessThreadIdReactive(MessageId messageId, Optional<MimeMessageId> thisMimeMessageId,
                                                Optional<MimeMessageId> inReplyTo, Optional<List<MimeMessageId>> references,
                                                Optional<Subject> subject, MailboxSession session) {
        Set<MimeMessageId> related = new LinkedHashSet<>();
        thisMimeMessageId.ifPresent(related::add);
        inReplyTo.ifPresent(related::add);
        references.ifPresent(related::addAll);
        Optional<Subject> baseSubject = subject.map(value -> new Subject(SearchUtil.getBaseSubject(value.getValue())));
        return Jdbc.mono(() -> Jdbc.inTransaction(dataSource, connection -> {
            ThreadId threadId = find(connection, session.getUser(), related, baseSubject)
                .orElseGet(() -> ThreadId.fromBaseMessageId(messageId));
            remember(connection, session.getUser(), related, messageId, threadId, baseSubject);
            return threadId;
        }));
    }

    /** Records that {@code messageId}, which refers to {@code mimeMessageIds} with this base subject, is in {@code threadId}. */
    public void remember(Username user, Set<MimeMessageId> mimeMessageIds, MessageId messageId, ThreadId threadId,
                         Optional<Subject> baseSubject) throws SQLException, MailboxException {
        Jdbc.inTransaction(dataSource, connection -> {
            remember(connection, user, mimeMessageIds, messageId, threadId, baseSubject);
            return null;
        });
    }

    @Override
    public Flux<MessageId> getMessageIdsInThread(ThreadId threadId, MailboxSession session) {
        return Jdbc.flux(() -> {
            try (Connection connection = dataSource.getConnection();
                 PreparedStatement select = connection.prepareStatement(
                     "SELECT m.message_id FROM message m WHERE m.thread_id = ?"
                         + " AND EXISTS (SELECT 1 FROM message_mailbox mm JOIN mailbox b ON b.mailbox_id = mm.mailbox_id"
                         + " WHERE mm.message_id = m.message_id AND b.user_name = ?)"
                         + " ORDER BY m.arrival")) {
                select.setObject(1, uuid(threadId.getBaseMessageId()));
                select.setString(2, session.getUser().asString());
                try (ResultSet rows = select.executeQuery()) {
                    List<MessageId> messageIds = new ArrayList<>();
                    while (rows.next()) {
                        messageIds.add(PostgresMessageId.of(rows.getObject(1, UUID.class)));
                    }
                    if (messageIds.isEmpty()) {
                        throw new ThreadNotFoundException(threadId);
                    }
                    return messageIds;
                }
            }
        });
    }

    private static Optional<ThreadId> find(Connection connection, Username user, Set<MimeMessageId> related,
                                           Optional<Subject> baseSubject) throws SQLException {
        if (related.isEmpty()) {
            return Optional.empty();
        }
        try (PreparedStatement select = connection.prepareStatement(
            "SELECT thread_id FROM message_thread WHERE user_name = ? AND hash_mime_message_id = ANY (?)"
                + " AND hash_base_subject IS NOT DISTINCT FROM ? LIMIT 1")) {
            select.setString(1, user.asString());
            select.setArray(2, connection.createArrayOf("integer", related.stream().map(PostgresThreadIdGuessingAlgorithm::hash).toArray()));
            setHash(select, 3, baseSubject);
            try (ResultSet row = select.executeQuery()) {
                return row.next()
                    ? Optional.of(ThreadId.fromBaseMessageId(PostgresMessageId.of(row.getObject(1, UUID.class))))
                    : Optional.empty();
            }
        }
    }

    private static void remember(Connection connection, Username user, Set<MimeMessageId> mimeMessageIds, MessageId messageId,
                                 ThreadId threadId, Optional<Subject> baseSubject) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
            "INSERT INTO message_thread (user_name, hash_mime_message_id, message_id, thread_id, hash_base_subject)"
                + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
            for (MimeMessageId mimeMessageId : mimeMessageIds) {
                insert.setString(1, user.asString());
                insert.setInt(2, hash(mimeMessageId));
                insert.setObject(3, uuid(messageId));
                insert.setObject(4, uuid(threadId.getBaseMessageId()));
                setHash(insert, 5, baseSubject);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    private static void setHash(PreparedStatement statement, int index, Optional<Subject> baseSubject) throws SQLException {
        if (baseSubject.isPresent()) {
            statement.setInt(index, HASH.hashString(baseSubject.get().getValue(), StandardCharsets.UTF_8).asInt());
        } else {
            statement.setNull(index, Types.INTEGER);
        }
    }

    private static int hash(MimeMessageId mimeMessageId) {
        return HASH.hashString(mimeMessageId.getValue(), StandardCharsets.UTF_8).asInt();
    }

    private static UUID uuid(MessageId messageId) {
        return ((PostgresMessageId) messageId).asUuid();
    }
}
