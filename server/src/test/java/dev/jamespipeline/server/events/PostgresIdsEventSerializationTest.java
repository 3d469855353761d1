package dev.jamespipeline.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.event.json.MailboxEventSerializer;
import org.apache.james.events.Event;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.events.MailboxEvents.Added;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.quota.QuotaRootDeserializer;
import org.apache.james.mailbox.store.quota.DefaultUserQuotaRootResolver;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.mailbox.postgres.PostgresMailboxId;
import dev.jamespipeline.mailbox.postgres.PostgresMessageId;

/**
 * RabbitMQ's event bus serializes every event it dispatches, so the PostgreSQL mailbox's ids must survive
 * James's serializer (James's JPA mailbox's do not: its message id throws on serialize).
 */
class PostgresIdsEventSerializationTest {
    private static final Username BOB = Username.of("bob@example.test");

    private final MailboxEventSerializer serializer = new MailboxEventSerializer(
        new PostgresMailboxId.Factory(), new PostgresMessageId.Factory(), quotaRoots());

    @Test
    void anAddedEventWithPostgresIdsComesBackEqualFromItsJson() {
        PostgresMailboxId mailboxId = PostgresMailboxId.generate();
        PostgresMessageId messageId = new PostgresMessageId.Factory().generate();
        PostgresMessageId threadBase = new PostgresMessageId.Factory().generate();
        MessageUid uid = MessageUid.of(42);
        Flags flags = new Flags(Flags.Flag.SEEN);
        flags.add("$Forwarded");
        SortedMap<MessageUid, MessageMetaData> added = new TreeMap<>();
        added.put(uid, new MessageMetaData(uid, ModSeq.of(7), flags, 1234, new Date(1_700_000_000_000L),
            Optional.of(new Date(1_690_000_000_000L)), messageId, ThreadId.fromBaseMessageId(threadBase)));
        Added event = new Added(MailboxSession.SessionId.of(3), BOB, MailboxPath.inbox(BOB), mailboxId, added,
            Event.EventId.random(), true);

        byte[] json = serializer.toJsonBytes(event);
        Added back = (Added) serializer.fromBytes(json);

        assertThat(new String(json, StandardCharsets.UTF_8)).contains(messageId.serialize(), mailboxId.serialize());
        assertThat(back).isEqualTo(event);
        assertThat(back.getMailboxId()).isEqualTo(mailboxId);
        assertThat(back.getMetaData(uid).getMessageId()).isEqualTo(messageId);
        assertThat(back.getMetaData(uid).getThreadId()).isEqualTo(ThreadId.fromBaseMessageId(threadBase));
        assertThat(back.getMetaData(uid).getFlags()).isEqualTo(flags);
        assertThat(back.isDelivery()).isTrue();
    }

    /** James's own, as the memory app binds it; an Added event carries no quota root, so it is never asked. */
    private static QuotaRootDeserializer quotaRoots() {
        return new DefaultUserQuotaRootResolver(null, null);
    }
}
