package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.PipelineHeaders;
import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.it.mailets.FailOnSubject;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;

/**
 * Hostile and malformed mail over SMTP: each is delivered exactly as it came (what the client
 * sent, behind the header fields put in front of it), and a plain message sent right after it
 * still arrives. A message that fails every retry earns its sender a DSN, a null sender none.
 */
class HostileMailIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String SENDER = "sender@" + DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String ALWAYS_FAILS = "always-fails";
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension
        .withUsers("sender", "nested", "quote", "noboundary", "utf8", "barecr", "large", "unlucky")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.RETRY_DELAYS, "200,400")
        // One consumer: a notice for a dead-lettered message is sent before the next message is taken.
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.CONCURRENCY, "1")
        .editMailetContainer(MailetContainerEdits.failBeforeLocalDelivery(ALWAYS_FAILS));

    @Test
    void mimeNestedFiveThousandDeepIsDeliveredAsItCame() throws Exception {
        StringBuilder message = new StringBuilder(headers("nested", "5,000 levels"))
            .append("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n");
        int depth = 5_000;
        for (int level = 1; level <= depth; level++) {
            message.append("--b").append(level - 1).append("\r\nContent-Type: multipart/mixed; boundary=\"b")
                .append(level).append("\"\r\n\r\n");
        }
        message.append("--b").append(depth).append("\r\nContent-Type: text/plain\r\n\r\nat the bottom\r\n");
        for (int level = depth; level >= 0; level--) {
            message.append("--b").append(level).append("--\r\n");
        }
        assertDeliveredAsSentThenPlainMailFlows("nested", message.toString().getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void anUnbalancedQuoteInContentTypeIsDeliveredAsItCame() throws Exception {
        String message = headers("quote", "unbalanced quote")
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"never-closed\r\n\r\n"
            + "--never-closed\r\nContent-Type: text/plain\r\n\r\ntext\r\n--never-closed--\r\n";
        assertDeliveredAsSentThenPlainMailFlows("quote", message.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aMultipartWithoutBoundaryLinesIsDeliveredAsItCame() throws Exception {
        String message = headers("noboundary", "no boundary lines")
            + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"declared-but-absent\"\r\n\r\n"
            + "This multipart body has no boundary line at all.\r\n";
        assertDeliveredAsSentThenPlainMailFlows("noboundary", message.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void rawUtf8HeadersAreDeliveredByteForByte() throws Exception {
        String message = "From: Zoë Ünïcode <" + SENDER + ">\r\nTo: utf8@" + DOMAIN + "\r\nSubject: café ☃\r\n"
            + "Message-ID: <utf8-" + PipelineIds.next() + "@test-client.local>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
            + "Grüße, 雪だるま ☃\r\n";
        assertDeliveredAsSentThenPlainMailFlows("utf8", message.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void bareCarriageReturnsAreDeliveredAsTheyCame() throws Exception {
        String message = headers("barecr", "bare CR") + "X-Odd: one\rtwo\r\n\r\nline one\rstill line one\r\nend\r\n";
        assertDeliveredAsSentThenPlainMailFlows("barecr", message.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void aFortyMegabyteMessageIsDeliveredAsItCame() throws Exception {
        String user = "large@" + DOMAIN;
        String header = headers("large", "40 MB") + "MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\n";
        long lines = 40L * 1024 * 1024 / 100;
        MessageDigest sent = sha256();
        SmtpReply reply = PIPELINE.james().smtp().sendStreamed(SENDER, writer -> {
            // Streamed and digested as it goes: the test never holds the message.
            Writer digesting = new DigestingWriter(writer, sent);
            digesting.write(header);
            for (long line = 0; line < lines; line++) {
                digesting.write(String.format("%010d %s\r\n", line, "x".repeat(88)));
            }
        }, user);
        assertThat(reply.accepted()).as(reply.text()).isTrue();
        awaitPlainMessageAfter(user);

        await().atMost(WAIT).until(() -> inboxCount(user) == 2);
        List<byte[]> digests = new ArrayList<>();
        for (int sequence = 1; sequence <= 2; sequence++) {
            MessageDigest delivered = sha256();
            PIPELINE.james().imap().fetchRaw(user, PipelineJames.PASSWORD, sequence,
                new PrependedHeaders(new DigestOutputStream(OutputStream.nullOutputStream(), delivered)));
            digests.add(delivered.digest());
        }
        assertThat(digests).anySatisfy(digest -> assertThat(digest).isEqualTo(sent.digest()));
    }

    @Test
    void aMessageThatFailsEveryRetryEarnsItsSenderADsnButANullSenderGetsNone() throws Exception {
        Topology topology = PIPELINE.james().topology();
        String received = PIPELINE.tap().tap(topology.mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY);
        String deadLetters = topology.deadLetterQueue(topology.stageQueue("route"));
        String unlucky = "unlucky@" + DOMAIN;

        SmtpReply fromNullSender = PIPELINE.james().smtp().sendRaw("",
            headers("unlucky", ALWAYS_FAILS + " from the null sender") + "\r\nbody\r\n", unlucky);
        assertThat(fromNullSender.accepted()).as(fromNullSender.text()).isTrue();
        awaitDeadLetter(deadLetters, fromNullSender.pipelineId());
        SmtpReply fromSender = PIPELINE.james().smtp().send(SENDER, ALWAYS_FAILS + " with a sender", "body", unlucky);
        assertThat(fromSender.accepted()).as(fromSender.text()).isTrue();

        await().atMost(WAIT).until(() -> rawInbox(SENDER, "BODY.PEEK[]").contains("Undelivered Mail"));
        String dsn = rawInbox(SENDER, "BODY.PEEK[]");
        assertThat(dsn)
            .contains("report-type=delivery-status")
            .contains("message/delivery-status")
            .contains("Final-Recipient: rfc822; " + unlucky)
            .contains(FailOnSubject.REASON)
            .contains("text/rfc822-headers")
            .contains("Subject: " + ALWAYS_FAILS + " with a sender");
        awaitPlainMessageAfter(unlucky);

        List<String> ingested = new ArrayList<>();
        for (GetResponse event : PIPELINE.tap().drain(received)) {
            ingested.add(CODEC.decodeReceived(event.getBody()).pipelineId());
        }
        assertThat(ingested)
            .contains(PipelineIds.derived(fromSender.pipelineId(), "dead-letter-notice"))
            .doesNotContain(PipelineIds.derived(fromNullSender.pipelineId(), "dead-letter-notice"));
    }

    private static void assertDeliveredAsSentThenPlainMailFlows(String localPart, byte[] sent) throws Exception {
        String user = localPart + "@" + DOMAIN;
        SmtpReply reply = PIPELINE.james().smtp().sendBytes(SENDER, sent, user);
        assertThat(reply.accepted()).as(reply.text()).isTrue();
        awaitPlainMessageAfter(user);

        await().atMost(WAIT).until(() -> inboxCount(user) == 2);
        List<PrependedHeaders> delivered = new ArrayList<>();
        List<byte[]> rests = new ArrayList<>();
        for (int sequence = 1; sequence <= 2; sequence++) {
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            PrependedHeaders prefix = new PrependedHeaders(rest);
            PIPELINE.james().imap().fetchRaw(user, PipelineJames.PASSWORD, sequence, prefix);
            delivered.add(prefix);
            rests.add(rest.toByteArray());
        }
        // The other one is the plain message sent after it.
        int match = new String(rests.get(0), StandardCharsets.ISO_8859_1).contains("Subject: plain-") ? 1 : 0;
        assertThat(rests.get(match)).as("the delivered bytes behind the prepended headers").isEqualTo(sent);
        assertThat(delivered.get(match).dropped().get(0))
            .isEqualTo(PipelineHeaders.PIPELINE_ID + ": " + reply.pipelineId());
    }

    /** A plain message sent after a hostile one reaches the same INBOX. */
    private static void awaitPlainMessageAfter(String user) throws IOException {
        String marker = "plain-" + PipelineIds.next();
        assertThat(PIPELINE.james().smtp().send(SENDER, marker, "plain mail keeps flowing", user).accepted()).isTrue();
        await().atMost(WAIT).until(() -> rawInbox(user, "BODY.PEEK[HEADER.FIELDS (SUBJECT)]").contains(marker));
    }

    private static void awaitDeadLetter(String deadLetters, String pipelineId) {
        await().atMost(WAIT).until(() -> PIPELINE.tap().drain(deadLetters).stream()
            .anyMatch(response -> pipelineId.equals(response.getProps().getMessageId())));
    }

    private static int inboxCount(String user) throws IOException {
        return PIPELINE.james().imap().inboxCount(user, PipelineJames.PASSWORD);
    }

    /** Every INBOX message's {@code item}, concatenated, read over a raw socket (exact bytes as ISO-8859-1 chars). */
    private static String rawInbox(String user, String item) throws IOException {
        if (inboxCount(user) == 0) {
            return "";
        }
        ByteArrayOutputStream fetched = new ByteArrayOutputStream();
        PIPELINE.james().imap().fetchRaw(user, PipelineJames.PASSWORD, "1:*", item, fetched);
        return fetched.toString(StandardCharsets.ISO_8859_1);
    }

    private static String headers(String localPart, String subject) {
        return "From: " + SENDER + "\r\nTo: " + localPart + "@" + DOMAIN + "\r\nSubject: " + subject
            + "\r\nMessage-ID: <" + PipelineIds.next() + "@test-client.local>\r\n";
    }

    private static MessageDigest sha256() throws NoSuchAlgorithmException {
        return MessageDigest.getInstance("SHA-256");
    }

    /** Digests the ISO-8859-1 bytes (one per char, as the SMTP client sends them) of what it passes on. */
    private static final class DigestingWriter extends Writer {
        private final Writer target;
        private final MessageDigest digest;

        DigestingWriter(Writer target, MessageDigest digest) {
            this.target = target;
            this.digest = digest;
        }

        @Override
        public void write(char[] chars, int offset, int length) throws IOException {
            digest.update(new String(chars, offset, length).getBytes(StandardCharsets.ISO_8859_1));
            target.write(chars, offset, length);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() {
            // the SMTP client closes its own writer
        }
    }
}
