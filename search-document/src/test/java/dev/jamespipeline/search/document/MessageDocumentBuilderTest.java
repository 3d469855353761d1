package dev.jamespipeline.search.document;

import static dev.jamespipeline.testing.TestMessages.attachedMessage;
import static dev.jamespipeline.testing.TestMessages.attachment;
import static dev.jamespipeline.testing.TestMessages.bytes;
import static dev.jamespipeline.testing.TestMessages.withParts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.dom.address.Mailbox;
import org.apache.james.mime4j.message.BodyPartBuilder;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.search.document.MessageDocument.Address;
import dev.jamespipeline.search.document.MessageDocument.Attachment;
import dev.jamespipeline.search.document.MessageDocument.Header;
import dev.jamespipeline.testing.TestFiles;

class MessageDocumentBuilderTest {

    private static final Instant NOW = Instant.parse("2026-11-28T00:00:00Z");
    private static final Instant INTERNAL_DATE = Instant.parse("2026-11-27T22:00:00Z");
    private static final String DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

    private static AttachmentTextExtractor extractor;
    private static MessageDocumentBuilder builder;

    @BeforeAll
    static void startExtractor() {
        extractor = new AttachmentTextExtractor(ExtractionLimits.DEFAULT, 2);
        builder = new MessageDocumentBuilder(extractor, Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @AfterAll
    static void stopExtractor() {
        extractor.close();
    }

    private static MessageDocument build(MessageDocumentBuilder builder, byte[] message) throws IOException {
        MailboxFacts facts = new MailboxFacts("bob@example.com", "mailbox-1", 42, "message-1", "thread-1", 7,
            List.of("\\Seen", "$Important"), INTERNAL_DATE, message.length);
        return builder.build(new ByteArrayInputStream(message), facts);
    }

    private static MessageDocument build(byte[] message) throws IOException {
        return build(builder, message);
    }

    /** A message written by hand, for headers and bodies exactly as some mailer sends them. */
    private static byte[] raw(Charset charset, String... lines) {
        return (String.join("\r\n", lines)).getBytes(charset);
    }

    @Test
    void mailboxFactsAndAPdfAttachmentMakeTheDocument() throws IOException {
        byte[] pdf = TestFiles.pdf("Quarterly zanzibarite figures");
        byte[] message = bytes(withParts("Report", "See the attached report.", attachment("report.pdf", "application/pdf", pdf)));

        MessageDocument document = build(message);

        assertThat(document.documentId()).isEqualTo("mailbox-1:42");
        assertThat(document.user()).isEqualTo("bob@example.com");
        assertThat(document.messageId()).isEqualTo("message-1");
        assertThat(document.threadId()).isEqualTo("thread-1");
        assertThat(document.modSeq()).isEqualTo(7);
        assertThat(document.flags()).containsExactly("\\Seen", "$Important");
        assertThat(document.internalDate()).isEqualTo(INTERNAL_DATE);
        assertThat(document.size()).isEqualTo(message.length);
        assertThat(document.indexedAt()).isEqualTo(NOW);
        assertThat(document.subject()).isEqualTo("Report");
        assertThat(document.from()).containsExactly(new Address("", "alice@example.org"));
        assertThat(document.to()).containsExactly(new Address("", "bob@example.com"));
        assertThat(document.bodyText()).isEqualTo("See the attached report.");
        assertThat(document.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.fileName()).isEqualTo("report.pdf");
            assertThat(attachment.contentType()).isEqualTo("application/pdf");
            assertThat(attachment.size()).isEqualTo(pdf.length);
            assertThat(attachment.text()).contains("zanzibarite");
            assertThat(attachment.failureReason()).isEmpty();
        });
    }

    @Test
    void aDocxAttachmentIsIndexed() throws IOException {
        byte[] message = bytes(withParts("Minutes", "Attached.", attachment("minutes.docx", DOCX, TestFiles.docx("quokkamander minutes"))));

        MessageDocument document = build(message);

        assertThat(document.attachments()).singleElement().satisfies(attachment -> {
            assertThat(attachment.contentType()).isEqualTo(DOCX);
            assertThat(attachment.text()).contains("quokkamander");
        });
    }

    @Test
    void anHtmlOnlyBodyBecomesTextInItsDeclaredCharset() throws IOException {
        byte[] message = raw(StandardCharsets.ISO_8859_1,
            "From: alice@example.org",
            "To: bob@example.com",
            "Subject: Newsletter",
            "MIME-Version: 1.0",
            "Content-Type: text/html; charset=ISO-8859-1",
            "Content-Transfer-Encoding: 8bit",
            "",
            "<html><head><title>News</title><style>p { color: red }</style></head>",
            "<body><p>Caf\u00e9 <b>cr\u00e8me</b> rendezvous</p><script>alert('x')</script></body></html>",
            "");

        MessageDocument document = build(message);

        assertThat(document.bodyText())
            .contains("Caf\u00e9", "cr\u00e8me", "rendezvous")
            .doesNotContain("<", ">", "alert", "color: red");
        assertThat(document.attachments()).isEmpty();
    }

    @Test
    void ofAlternativesOnlyThePlainTextIsIndexed() throws IOException {
        Message message = Message.Builder.of()
            .setFrom(new Mailbox("alice", "example.org"))
            .setSubject("Twice")
            .setBody(MultipartBuilder.create("alternative")
                .addTextPart("plain version", StandardCharsets.UTF_8)
                .addBodyPart(BodyPartBuilder.create().setBody("<p>html version</p>", "html", StandardCharsets.UTF_8))
                .build())
            .build();

        MessageDocument document = build(bytes(message));

        assertThat(document.bodyText()).isEqualTo("plain version");
    }

    @Test
    void plainTextFallsBackToUtf8ThenLatin1WhenTheDeclaredCharsetIsWrong() throws IOException {
        ByteArrayOutputStream undeclaredUtf8 = new ByteArrayOutputStream();
        undeclaredUtf8.writeBytes(raw(StandardCharsets.US_ASCII,
            "From: alice@example.org", "Subject: a", "Content-Type: text/plain", "Content-Transfer-Encoding: 8bit", "", ""));
        undeclaredUtf8.writeBytes("Gr\u00fc\u00dfe".getBytes(StandardCharsets.UTF_8));
        ByteArrayOutputStream latin1LabelledUtf8 = new ByteArrayOutputStream();
        latin1LabelledUtf8.writeBytes(raw(StandardCharsets.US_ASCII,
            "From: alice@example.org", "Subject: b", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: 8bit", "", ""));
        latin1LabelledUtf8.writeBytes("Caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(build(undeclaredUtf8.toByteArray()).bodyText()).isEqualTo("Gr\u00fc\u00dfe");
        assertThat(build(latin1LabelledUtf8.toByteArray()).bodyText()).isEqualTo("Caf\u00e9");
    }

    @Test
    void encodedWordsAreDecodedAndFoldedHeadersUnfolded() throws IOException {
        String subject = "=?UTF-8?B?" + Base64.getEncoder().encodeToString("Gr\u00fc\u00dfe aus K\u00f6ln".getBytes(StandardCharsets.UTF_8)) + "?=";
        byte[] message = raw(StandardCharsets.US_ASCII,
            "From: =?UTF-8?Q?Andr=C3=A9_M=C3=BCller?= <Andre.Muller@Example.COM>",
            "To: Bob <bob@example.com>, =?ISO-8859-1?Q?Zo=EB?= <zoe@example.org>",
            "Cc: team: carol@example.net, dave@example.net;",
            "Subject: " + subject,
            "X-Folded: first part",
            " second part",
            "Date: Tue, 03 Nov 2026 10:15:00 +0100",
            "Message-ID: <m1@example.com>",
            "",
            "Hello.",
            "");

        MessageDocument document = build(message);

        assertThat(document.subject()).isEqualTo("Gr\u00fc\u00dfe aus K\u00f6ln");
        assertThat(document.from()).containsExactly(new Address("Andr\u00e9 M\u00fcller", "andre.muller@example.com"));
        assertThat(document.to()).containsExactly(new Address("Bob", "bob@example.com"), new Address("Zo\u00eb", "zoe@example.org"));
        assertThat(document.cc()).containsExactly(new Address("", "carol@example.net"), new Address("", "dave@example.net"));
        assertThat(document.bcc()).isEmpty();
        assertThat(document.headers()).contains(
            new Header("subject", "Gr\u00fc\u00dfe aus K\u00f6ln"),
            new Header("from", "Andr\u00e9 M\u00fcller <Andre.Muller@Example.COM>"),
            new Header("x-folded", "first part second part"));
        assertThat(document.headers()).extracting(Header::name)
            .containsExactly("from", "to", "cc", "subject", "x-folded", "date", "message-id");
        assertThat(document.sentDate()).hasValue(Instant.parse("2026-11-03T09:15:00Z"));
        assertThat(document.mimeMessageId()).hasValue("<m1@example.com>");
    }

    @Test
    void malformedAddressesAndDatesLoseOnlyThemselves() throws IOException {
        byte[] message = raw(StandardCharsets.US_ASCII,
            "From: alice@example.org",
            "To: <<<not an address>>>, bob@example.com",
            "Cc: \"unterminated <carol@",
            "Date: the day after tomorrow",
            "Subject: still indexed",
            "",
            "The body survives.",
            "");

        MessageDocument document = build(message);

        assertThat(document.subject()).isEqualTo("still indexed");
        assertThat(document.bodyText()).isEqualTo("The body survives.");
        assertThat(document.from()).containsExactly(new Address("", "alice@example.org"));
        assertThat(document.to()).contains(new Address("", "bob@example.com"));
        assertThat(document.sentDate()).isEmpty();
        assertThat(document.headers()).contains(new Header("date", "the day after tomorrow"));
    }

    @Test
    void aCorruptAttachmentGetsAReasonAndTheRestIsIntact() throws IOException {
        byte[] pdf = TestFiles.pdf("never seen");
        byte[] message = bytes(withParts("Two files", "Body words remain.",
            attachment("broken.pdf", "application/pdf", Arrays.copyOf(pdf, pdf.length / 3)),
            attachment("minutes.docx", DOCX, TestFiles.docx("quokkamander minutes"))));

        MessageDocument document = build(message);

        assertThat(document.subject()).isEqualTo("Two files");
        assertThat(document.bodyText()).isEqualTo("Body words remain.");
        assertThat(document.attachments()).hasSize(2);
        assertThat(document.attachments().get(0)).satisfies(broken -> {
            assertThat(broken.fileName()).isEqualTo("broken.pdf");
            assertThat(broken.text()).isEmpty();
            assertThat(broken.failureReason()).hasValueSatisfying(reason -> assertThat(reason).startsWith("corrupt: "));
        });
        assertThat(document.attachments().get(1).text()).contains("quokkamander");
        assertThat(document.attachments().get(1).failureReason()).isEmpty();
    }

    @Test
    void anEncryptedAttachmentSaysSo() throws IOException {
        byte[] message = bytes(withParts("Secret", "Password by phone.",
            attachment("secret.pdf", "application/pdf", TestFiles.encryptedPdf("classified", "s3cret"))));

        assertThat(build(message).attachments()).singleElement()
            .satisfies(secret -> assertThat(secret.failureReason()).hasValue("encrypted"));
    }

    @Test
    void attachedMessagesAreReadDownToTheNestingLimit() throws IOException {
        Message innermost = withParts("level 5", "text of level five: epsilonword");
        Message nested = innermost;
        String[] words = {"alphaword", "betaword", "gammaword", "deltaword"};
        for (int level = 4; level >= 1; level--) {
            nested = withParts("level " + level, "text of level " + level + ": " + words[level - 1],
                attachedMessage("level-" + (level + 1) + ".eml", nested));
        }
        byte[] message = bytes(withParts("outer", "outer body: outerword", attachedMessage("level-1.eml", nested)));

        MessageDocument document = build(message);

        assertThat(document.bodyText()).contains("outerword");
        assertThat(document.attachments()).singleElement().satisfies(attached -> {
            assertThat(attached.fileName()).isEqualTo("level-1.eml");
            assertThat(attached.contentType()).isEqualTo("message/rfc822");
            assertThat(attached.size()).isPositive();
            assertThat(attached.text()).contains("level 1", "alphaword", "betaword", "gammaword")
                .doesNotContain("deltaword", "epsilonword");
            assertThat(attached.failureReason()).hasValue("level-2.eml: level-3.eml: level-4.eml: nesting deeper than 3");
        });
    }

    @Test
    void attachmentsBeyondTheLimitAreLeftOut() throws IOException {
        ExtractionLimits twoAttachments = new ExtractionLimits(20L * 1024 * 1024, 1_000_000, Duration.ofSeconds(10), 3, 2, 1_000);
        try (AttachmentTextExtractor limited = new AttachmentTextExtractor(twoAttachments, 1)) {
            byte[] message = bytes(withParts("Three files", "Body.",
                attachment("one.txt", "text/plain", "first".getBytes(StandardCharsets.UTF_8)),
                attachment("two.txt", "text/plain", "second".getBytes(StandardCharsets.UTF_8)),
                attachment("three.txt", "text/plain", "third".getBytes(StandardCharsets.UTF_8))));

            MessageDocument document = build(new MessageDocumentBuilder(limited, Clock.systemUTC()), message);

            assertThat(document.attachments()).extracting(Attachment::fileName).containsExactly("one.txt", "two.txt");
            assertThat(document.attachments()).extracting(Attachment::text).containsExactly("first\n", "second\n");
        }
    }

    @Test
    void anAttachmentLargerThanTheLimitGetsAReason() throws IOException {
        try (AttachmentTextExtractor small = new AttachmentTextExtractor(ExtractionLimits.DEFAULT.withMaxInputBytes(1_000), 1)) {
            byte[] message = bytes(withParts("Big", "Body.", attachment("big.txt", "text/plain", new byte[5_000])));

            MessageDocument document = build(new MessageDocumentBuilder(small, Clock.systemUTC()), message);

            assertThat(document.attachments()).singleElement().satisfies(big -> {
                assertThat(big.size()).isEqualTo(5_000);
                assertThat(big.failureReason()).hasValue("larger than 1000 bytes");
            });
        }
    }

    @Test
    void aMessageBeyondTheHeaderBoundsIsRefusedWithTheReason() {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 1_001; i++) {
            headers.append("X-Filler-").append(i).append(": x\r\n");
        }
        byte[] message = (headers + "\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> build(message))
            .isInstanceOf(IOException.class)
            .hasMessageContaining("mailbox-1:42 is beyond the MIME parsing bounds")
            .hasMessageContaining("header limit");
    }

    @Test
    void aMessageNestedBeyondTheMimeBoundsIsRefusedWithTheReason() {
        StringBuilder message = new StringBuilder("From: alice@example.org\r\nSubject: deep\r\n");
        int levels = 2_000;
        for (int level = 0; level < levels; level++) {
            message.append("Content-Type: multipart/mixed; boundary=b").append(level).append("\r\n\r\n--b").append(level).append("\r\n");
        }
        message.append("Content-Type: text/plain\r\n\r\nbottom\r\n");
        for (int level = levels - 1; level >= 0; level--) {
            message.append("--b").append(level).append("--\r\n");
        }

        assertThatThrownBy(() -> build(message.toString().getBytes(StandardCharsets.US_ASCII)))
            .isInstanceOf(IOException.class)
            .hasMessage("message mailbox-1:42 is beyond the MIME parsing bounds: parts nested deeper than 100 levels");
    }
}
