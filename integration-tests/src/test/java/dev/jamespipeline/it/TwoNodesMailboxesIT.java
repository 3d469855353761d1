package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.model.ComposedMessageId;
import org.apache.james.mailbox.model.MailboxPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.PipelineHeaders;

/**
 * Two nodes sharing PostgreSQL (users and mailboxes), RabbitMQ (the pipeline, and James's mailbox event bus)
 * and OpenSearch: what issue 10 asks of several nodes, seen by real IMAP and SMTP clients.
 */
class TwoNodesMailboxesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DOMAIN = JamesNodes.DOMAIN;

    @RegisterExtension
    static final JamesNodes NODES = JamesNodes.of(2, "bob", "carol");

    @Test
    void imapIdleOnNodeBSeesAMessageAppendedThroughNodeA() throws Exception {
        String bob = "bob@" + DOMAIN;
        int before = NODES.node(2).imap().inboxCount(bob, PipelineJames.PASSWORD);
        try (ImapIdler idleOnB = ImapIdler.idleOnInbox(NODES.node(2).imapPort(), bob, PipelineJames.PASSWORD)) {
            ComposedMessageId appended = NODES.node(1).mailboxes().appendMessage(bob, MailboxPath.inbox(Username.of(bob)),
                new ByteArrayInputStream("Subject: seen from B\r\n\r\nappended on A\r\n".getBytes(StandardCharsets.US_ASCII)),
                new Date(), false, new Flags());

            assertThat(idleOnB.awaitUpdate("EXISTS", WAIT)).isEqualTo("* " + (before + 1) + " EXISTS");
            assertThat(appended.getUid().asLong()).isPositive();
        }
    }

    @Test
    void mailSentToNodeAIsReadOverImapOnNodeBOnce() throws Exception {
        String carol = "carol@" + DOMAIN;
        SmtpReply reply = NODES.node(1).smtp().send("alice@" + DOMAIN, "to node A", "read on node B", carol);
        assertThat(reply.code()).isEqualTo(250);

        // A first SELECT on node B has twice hung past the reader's 30 s timeout (CI, README "Not built yet"):
        // the poll tries again rather than fail the delivery claim on it.
        await().atMost(WAIT.multipliedBy(2)).during(Duration.ofSeconds(3)).ignoreExceptionsInstanceOf(SocketTimeoutException.class)
            .until(() -> NODES.node(2).imap().inboxCount(carol, PipelineJames.PASSWORD) == 1);
        assertThat(NODES.node(2).imap().inboxMessages(carol, PipelineJames.PASSWORD).get(0))
            .contains("Subject: to node A")
            .contains(PipelineHeaders.PIPELINE_ID + ": " + reply.pipelineId());
        assertThat(NODES.node(1).imap().inboxCount(carol, PipelineJames.PASSWORD)).isEqualTo(1);
    }
}
