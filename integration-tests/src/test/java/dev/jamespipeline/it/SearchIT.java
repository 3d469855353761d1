package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;
import java.util.List;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MultimailboxesSearchQuery;
import org.apache.james.mailbox.model.SearchQuery;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jamespipeline.it.TestMessages.Attachment;

/**
 * IMAP SEARCH answered from OpenSearch: mail goes in over SMTP, the indexer consumes mail.delivered
 * and mailbox.* events from RabbitMQ, and a real IMAP client searches. Every wait is for the index
 * to catch up: indexing runs off the delivery path and may lag.
 */
class SearchIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String ALICE = "alice@" + DOMAIN;
    private static final String BOB = "bob@" + DOMAIN;
    private static final String PASSWORD = PipelineJames.PASSWORD;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob");

    @Test
    void textMatchesSubstringsAsJamesScanDoesNotTheTextExtractedFromAPdf() throws Exception {
        send(BOB, TestMessages.withAttachments(ALICE, BOB, "quarterly report", "see the attachment",
            TestMessages.pdf("report.pdf", "the figures mention zanzibarquux only here")));

        await().atMost(WAIT).until(() -> probe().documentsWithSubject("quarterly report").size() == 1);
        assertThat(probe().documentsWithSubject("quarterly report").get(0).path("attachments").get(0).path("text").asText())
            .contains("zanzibarquux");
        List<Long> message = search(BOB, "SUBJECT \"quarterly report\"");
        assertThat(message).hasSize(1);
        // Substrings, across words, in any case, as James's scan matches them.
        assertThat(search(BOB, "TEXT \"ee the ATTACH\"")).isEqualTo(message);
        assertThat(search(BOB, "BODY \"he attachm\"")).isEqualTo(message);
        // James's scan reads the PDF's bytes, not its text: neither finds a word only inside it.
        assertThat(search(BOB, "TEXT zanzibarquux")).isEmpty();
    }

    @Test
    void seenSetOverImapDropsTheMessageFromSearchUnseen() throws Exception {
        PIPELINE.james().smtp().send(ALICE, "unseen check", "read me", BOB);
        await().atMost(WAIT).until(() -> search(BOB, "UNSEEN SUBJECT \"unseen check\"").size() == 1);
        long uid = search(BOB, "UNSEEN SUBJECT \"unseen check\"").get(0);

        PIPELINE.james().imap().addFlags(BOB, PASSWORD, uid, "\\Seen");

        // Both answers come from the index once the flags event is applied; until then one may come from the scan.
        await().atMost(WAIT).until(() -> search(BOB, "UNSEEN SUBJECT \"unseen check\"").isEmpty()
            && search(BOB, "SEEN SUBJECT \"unseen check\"").equals(List.of(uid)));
    }

    @Test
    void anExpungedMessageDisappearsFromResultsAndFromTheIndex() throws Exception {
        PIPELINE.james().smtp().send(ALICE, "expunge check", "the word is vanishingword", BOB);
        await().atMost(WAIT).until(() -> search(BOB, "TEXT vanishingword").size() == 1);
        long uid = search(BOB, "TEXT vanishingword").get(0);

        PIPELINE.james().imap().expunge(BOB, PASSWORD, uid);

        await().atMost(WAIT).until(() -> probe().documentsWithSubject("expunge check").isEmpty());
        assertThat(search(BOB, "TEXT vanishingword")).isEmpty();
    }

    @Test
    void anotherUsersMailIsNeverFound() throws Exception {
        PIPELINE.james().smtp().send(BOB, "for alice only", "the secret is alicesecretword", ALICE);
        PIPELINE.james().smtp().send(ALICE, "for bob", "nothing to see", BOB);
        await().atMost(WAIT).until(() -> search(ALICE, "TEXT alicesecretword").size() == 1);
        await().atMost(WAIT).until(() -> search(BOB, "SUBJECT \"for bob\"").size() == 1);

        assertThat(search(BOB, "TEXT alicesecretword")).isEmpty();
        assertThat(search(BOB, "SUBJECT \"for alice only\"")).isEmpty();
        // Query text that would widen a hand-built query string must not widen ours.
        assertThat(search(BOB, "TEXT \"alicesecretword OR *\"")).isEmpty();
        assertThat(search(BOB, "TEXT \"*:*\"")).isEmpty();
        assertThat(search(BOB, "HEADER Subject \"alice only\"")).isEmpty();
    }

    @Test
    void hostileAttachmentsAreIndexedWithoutTheirTextAndTheQueueKeepsMoving() throws Exception {
        send(BOB, TestMessages.withAttachments(ALICE, BOB, "hostile attachments", "bodyword hostilebody",
            TestMessages.zipBomb("bomb.zip", 512L * 1024 * 1024),
            TestMessages.corruptPdf("broken.pdf")));
        PIPELINE.james().smtp().send(ALICE, "after the hostile one", "followingword", BOB);

        await().atMost(WAIT).until(() -> search(BOB, "TEXT followingword").size() == 1);
        await().atMost(WAIT).until(() -> probe().documentsWithSubject("hostile attachments").size() == 1);
        JsonNode document = probe().documentsWithSubject("hostile attachments").get(0);
        assertThat(search(BOB, "TEXT hostilebody")).hasSize(1);
        assertThat(document.path("attachments")).hasSize(2);
        for (JsonNode attachment : document.path("attachments")) {
            assertThat(attachment.path("failureReason").asText())
                .as("reason recorded for %s", attachment.path("fileName").asText())
                .isNotBlank();
            assertThat(attachment.path("text").asText().length()).isLessThan(2_000_000);
        }
    }

    @Test
    void theIndexCountsMessagesAndUnseenMessagesPerMailbox() throws Exception {
        PIPELINE.james().smtp().send(BOB, "counted one", "one", ALICE);
        PIPELINE.james().smtp().send(BOB, "counted two", "two", ALICE);
        await().atMost(WAIT).until(() -> search(ALICE, "SUBJECT counted").size() == 2);
        long first = search(ALICE, "SUBJECT counted").get(0);
        PIPELINE.james().imap().addFlags(ALICE, PASSWORD, first, "\\Seen");
        int inbox = PIPELINE.james().imap().inboxCount(ALICE, PASSWORD);
        int unseen = inbox - 1; // only this class reads Alice's mail, and only this test marks it seen

        await().atMost(WAIT).untilAsserted(() -> assertThat(
            PIPELINE.james().webAdmin("GET", "/pipeline/search/users/" + ALICE + "/mailboxes/INBOX/counters").body())
            .contains("\"messages\":" + inbox).contains("\"unseen\":" + unseen));
    }

    @Test
    void multiMailboxSearchFindsAUsersMessagesInAllHisMailboxesAndNoOneElses() throws Exception {
        MailboxPath archive = MailboxPath.forUser(Username.of(ALICE), "Archive");
        PIPELINE.james().mailboxes().createMailbox(archive);
        // A message added without SMTP (as IMAP APPEND does) is indexed from its mail.delivered event too.
        PIPELINE.james().mailboxes().appendMessage(ALICE, archive, new ByteArrayInputStream(TestMessages.withAttachments(
                BOB, ALICE, "archived", "see crossmailboxword", TestMessages.pdf("a.pdf", "archived"))
            .getBytes(StandardCharsets.UTF_8)), new Date(), false, new Flags());
        send(ALICE, TestMessages.withAttachments(BOB, ALICE, "in the inbox", "see crossmailboxword",
            TestMessages.pdf("b.pdf", "in the inbox")));
        send(BOB, TestMessages.withAttachments(ALICE, BOB, "bob's own", "see crossmailboxword",
            TestMessages.pdf("c.pdf", "for bob")));
        // A substring of the body, answered from the index (attachment criteria are left to James's scan).
        MultimailboxesSearchQuery query = MultimailboxesSearchQuery
            .from(SearchQuery.of(SearchQuery.bodyContains("SSMAILBOXWO"))).build();

        await().atMost(WAIT).until(() -> PIPELINE.james().mailboxes().searchMessage(query, ALICE, 10).size() == 2);
        await().atMost(WAIT).until(() -> PIPELINE.james().mailboxes().searchMessage(query, BOB, 10).size() == 1);
        assertThat(PIPELINE.james().mailboxes().searchMessage(query, ALICE, 10))
            .doesNotContainAnyElementsOf(PIPELINE.james().mailboxes().searchMessage(query, BOB, 10));
    }

    private static void send(String to, String message) throws Exception {
        assertThat(PIPELINE.james().smtp().sendRaw(ALICE.equals(to) ? BOB : ALICE, message, to).code()).isEqualTo(250);
    }

    private static List<Long> search(String user, String criteria) throws Exception {
        return PIPELINE.james().imap().uidSearch(user, PASSWORD, criteria);
    }

    private static SearchIndexProbe probe() {
        return new SearchIndexProbe(PIPELINE.james().indexName());
    }
}
