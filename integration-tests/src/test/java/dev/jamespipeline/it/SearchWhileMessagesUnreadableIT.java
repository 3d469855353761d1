package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A message that cannot be read for a moment (PostgreSQL refuses the read) is not taken for expunged:
 * James's message iterator ends quietly on a failed read, and a search that took that for "gone" wrote
 * the message's delete (a tombstone no later write outranks) and forgot its backlog row, so every later
 * search missed it. Here the search that meets the failure fails, and the next one is exact.
 */
class SearchWhileMessagesUnreadableIT {
    private static final String CAROL = "carol@" + PipelineJamesExtension.DOMAIN;
    private static final String PASSWORD = PipelineJames.PASSWORD;

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("carol");

    @Test
    void aMessageThatCannotBeReadForAMomentIsStillFoundOnceItCanBe() throws Exception {
        long indexed = append("indexed first", "nothing special");
        // The indexer paused: the next message is known to searches through the backlog only.
        indexer("pause");
        long pending = append("pending one", "read me later");

        boolean answered = PIPELINE.james().imap().uidSearchAnswersAfter(CAROL, PASSWORD, "UNSEEN",
            () -> sql("ALTER TABLE message_mailbox RENAME TO message_mailbox_unreadable"));
        sql("ALTER TABLE message_mailbox_unreadable RENAME TO message_mailbox");

        assertThat(PIPELINE.james().imap().uidSearch(CAROL, PASSWORD, "UNSEEN")).containsExactly(indexed, pending);
        assertThat(PIPELINE.james().imap().uidSearch(CAROL, PASSWORD, "TEXT read")).containsExactly(pending);
        assertThat(answered).as("a search that cannot read the messages it must index answers NO").isFalse();
        indexer("resume");
    }

    private static long append(String subject, String body) throws Exception {
        return PIPELINE.james().imap().append(CAROL, PASSWORD,
            TestMessages.withAttachments("alice@" + PipelineJamesExtension.DOMAIN, CAROL, subject, body));
    }

    private static void indexer(String action) throws Exception {
        HttpResponse<String> response = PIPELINE.james().webAdmin("POST", "/pipeline/search?action=" + action);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    private static void sql(String statement) throws IOException {
        try (Connection connection = PIPELINE.james().database().dataSource().getConnection();
             Statement sql = connection.createStatement()) {
            sql.execute(statement);
        } catch (SQLException e) {
            throw new IOException(statement + ": " + e.getMessage(), e);
        }
    }
}
