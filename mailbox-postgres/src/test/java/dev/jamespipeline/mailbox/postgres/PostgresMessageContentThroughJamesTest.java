package dev.jamespipeline.mailbox.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Date;
import java.util.Random;
import java.util.Set;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.mailbox.postgres.mail.MessageBodyStore;

/** A message several chunks long, appended and read back through James's own mailbox manager. */
class PostgresMessageContentThroughJamesTest {
    private static final String HEADER = "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: big\r\n"
        + "Content-Type: text/plain; charset=us-ascii\r\n\r\n";

    @RegisterExtension
    static MailboxDatabaseExtension database = new MailboxDatabaseExtension();

    @Test
    void aMultiChunkMessageAppendedThroughJamesReadsBackByteExactly() throws Exception {
        PostgresMailboxBackend backend = PostgresBackendFixture.backend(database.dataSource(), Set.of());
        Username bob = Username.of("bob");
        MailboxSession session = backend.mailboxManager().createSystemSession(bob);
        backend.mailboxManager().createMailbox(MailboxPath.inbox(bob), session);
        MessageManager inbox = backend.mailboxManager().getMailbox(MailboxPath.inbox(bob), session);
        byte[] message = multiChunkMessage();

        MessageManager.AppendResult appended = inbox.appendMessage(new ByteArrayInputStream(message), new Date(), session, false, new Flags());

        MessageResult stored = inbox.getMessages(MessageRange.one(appended.getId().getUid()), FetchGroup.FULL_CONTENT, session).next();
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        stored.getFullContent().getInputStream().transferTo(read);
        assertThat(read.toByteArray()).isEqualTo(message);
        assertThat(stored.getSize()).isEqualTo(message.length);
        long bodyLength = message.length - HEADER.length();
        assertThat(chunkRows()).isEqualTo((bodyLength + MessageBodyStore.DEFAULT_CHUNK_SIZE - 1) / MessageBodyStore.DEFAULT_CHUNK_SIZE);
    }

    private static byte[] multiChunkMessage() {
        StringBuilder text = new StringBuilder(HEADER);
        Random random = new Random(7);
        while (text.length() < 3 * MessageBodyStore.DEFAULT_CHUNK_SIZE + 1000) {
            for (int i = 0; i < 76; i++) {
                text.append((char) ('a' + random.nextInt(26)));
            }
            text.append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }

    private static int chunkRows() throws Exception {
        try (Connection connection = database.dataSource().getConnection();
             ResultSet row = connection.createStatement().executeQuery("SELECT count(*) FROM message_body_chunk")) {
            row.next();
            return row.getInt(1);
        }
    }
}
