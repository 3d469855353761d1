package dev.jamespipeline.security.virus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.mailets.MailParts;
import dev.jamespipeline.mailets.PipelineAttributes;
import dev.jamespipeline.testing.ClamdPeer;
import dev.jamespipeline.testing.TestViruses;
import dev.jamespipeline.security.scanner.ScanFailurePolicy;
import dev.jamespipeline.security.quarantine.RecordingQuarantine;

/** The stage's mailet with a real clamd; the quarantine records what it is given. */
class ScanForVirusesTest {
    private static final String CLEAN = "From: alice@example.org\r\nTo: bob@example.com\r\nSubject: hello\r\n\r\nhi\r\n";
    private static ClamdPeer clamd;

    @BeforeAll
    static void startClamd() {
        clamd = ClamdPeer.start();
    }

    @AfterAll
    static void stopClamd() {
        clamd.close();
    }

    @Test
    void aCleanMessageGoesOnMarkedScannedByteExactBelowTheNewField() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail(CLEAN, false);

        mailet(ScanFailurePolicy.QUARANTINE, quarantine).service(mail);

        assertThat(text(mail)).isEqualTo("X-Virus-Scanned: clamav\r\n" + CLEAN);
        assertThat(PipelineAttributes.verdict(mail, "virus")).contains("clean");
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(mail.getRecipients()).hasSize(2);
        assertThat(quarantine.all()).isEmpty();
    }

    @Test
    void virusFieldsTheSenderWroteAreRemovedFirst() throws Exception {
        String forged = "X-Virus-Scanned: clamav\r\nFrom: alice@example.org\r\nx-virus-status: Clean\r\n\tfolded on\r\n"
            + "Subject: forged\r\nX-VIRUS-FOUND: none\r\n\r\nX-Virus-Scanned: in the body stays\r\n";
        MailImpl mail = mail(forged, false);

        mailet(ScanFailurePolicy.QUARANTINE, new RecordingQuarantine()).service(mail);

        assertThat(text(mail)).isEqualTo("X-Virus-Scanned: clamav\r\nFrom: alice@example.org\r\nSubject: forged\r\n\r\n"
            + "X-Virus-Scanned: in the body stays\r\n");
    }

    @Test
    void eicarIsQuarantinedForEveryRecipientAndTheMailEndsHere() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail(new String(TestViruses.messageWithEicarAttachment("eicar"), StandardCharsets.US_ASCII), false);
        String signature = TestViruses.EICAR + TestViruses.UNOFFICIAL;

        mailet(ScanFailurePolicy.TAG, quarantine).service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(mail.getRecipients()).isEmpty();
        assertThat(PipelineAttributes.verdict(mail, "virus")).contains("infected");
        assertThat(PipelineAttributes.verdict(mail, "virus.name")).contains(signature);
        assertThat(quarantine.all()).singleElement().satisfies(kept -> {
            assertThat(kept.recipients()).containsExactly("bob@example.com", "carol@example.com");
            assertThat(kept.reason()).isEqualTo("virus " + signature);
            assertThat(kept.message())
                .startsWith("X-Virus-Scanned: clamav\r\nX-Virus-Found: " + signature + "\r\n");
        });
    }

    @Test
    void ourOwnSignatureIsQuarantinedToo() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail(CLEAN.replace("hi", TestViruses.OWN_MARKER), false);

        mailet(ScanFailurePolicy.QUARANTINE, quarantine).service(mail);

        assertThat(quarantine.all()).singleElement()
            .satisfies(kept -> assertThat(kept.reason()).isEqualTo("virus " + TestViruses.OWN_SIGNATURE + TestViruses.UNOFFICIAL));
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void withRetriesLeftAnUnreachableClamdFailsTheStage() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail(CLEAN, false);

        assertThatThrownBy(() -> mailet(unreachable(ScanFailurePolicy.QUARANTINE), quarantine).service(mail))
            .isInstanceOf(MessagingException.class)
            .hasMessageContaining("the stage retries it")
            .hasMessageContaining("refused the connection");
        assertThat(quarantine.all()).isEmpty();
        assertThat(text(mail)).isEqualTo(CLEAN);
    }

    @Test
    void onTheLastAttemptAnUnreachableClamdQuarantinesByDefault() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail(CLEAN, true);

        mailet(unreachable(ScanFailurePolicy.QUARANTINE), quarantine).service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(mail.getRecipients()).isEmpty();
        assertThat(PipelineAttributes.verdict(mail, "virus")).contains("unscanned");
        assertThat(quarantine.all()).singleElement().satisfies(kept -> {
            assertThat(kept.reason()).startsWith("virus scan failed: clamd at 127.0.0.1:").contains("refused the connection");
            assertThat(kept.message()).startsWith("X-Virus-Scanned: unscanned (clamd at");
        });
    }

    @Test
    void onTheLastAttemptTheTagPolicyDeliversMarkedUnscanned() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail(CLEAN, true);

        mailet(unreachable(ScanFailurePolicy.TAG), quarantine).service(mail);

        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
        assertThat(mail.getRecipients()).hasSize(2);
        assertThat(quarantine.all()).isEmpty();
        assertThat(PipelineAttributes.verdict(mail, "virus")).contains("unscanned");
        assertThat(text(mail)).matches("(?s)X-Virus-Scanned: unscanned \\(clamd at 127\\.0\\.0\\.1:\\d+ refused the connection[^()\r\n]*\\)\r\n"
            + "From: alice.*");
    }

    @Test
    void aMessageLargerThanTheScanLimitGetsThePolicyAtOnceWithoutRetrying() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail(CLEAN, false);
        VirusSettings small = new VirusSettings(clamd.host(), clamd.port(), Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(60), 65_536, 10, ScanFailurePolicy.QUARANTINE);

        new ScanForViruses(new ClamdClient(small), small, quarantine).service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(quarantine.all()).singleElement()
            .satisfies(kept -> assertThat(kept.reason()).startsWith("virus scan failed: too large to scan (" + CLEAN.length() + " bytes"));
    }

    private static ScanForViruses mailet(ScanFailurePolicy policy, RecordingQuarantine quarantine) {
        return mailet(settings(clamd.port(), policy), quarantine);
    }

    private static ScanForViruses mailet(VirusSettings settings, RecordingQuarantine quarantine) {
        return new ScanForViruses(new ClamdClient(settings), settings, quarantine);
    }

    /** A port nothing listens on: clamd's own, while it is briefly stopped, is another test's business. */
    private static VirusSettings unreachable(ScanFailurePolicy policy) throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        return settings(port, policy);
    }

    private static VirusSettings settings(int port, ScanFailurePolicy policy) {
        return new VirusSettings(clamd.host(), port, Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60),
            65_536, VirusSettings.DEFAULT_MAX_SCAN_BYTES, policy);
    }

    private static MailImpl mail(String message, boolean lastAttempt) throws Exception {
        MailImpl mail = MailImpl.builder()
            .name("mail-" + System.nanoTime())
            .sender("alice@example.org")
            .addRecipients(new MailAddress("bob@example.com"), new MailAddress("carol@example.com"))
            .addAttribute(new Attribute(PipelineAttributes.LAST_ATTEMPT, AttributeValue.of(lastAttempt)))
            .build();
        mail.setMessageContent(MimeMessageInputStreamSource.create(mail.getName(),
            new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1))));
        return mail;
    }

    private static String text(Mail mail) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MailParts.writeMessage(mail, out);
        return out.toString(StandardCharsets.ISO_8859_1);
    }
}
