package dev.jamespipeline.security.spam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.mailets.PipelineAttributes;
import dev.jamespipeline.security.quarantine.MailQuarantine;
import dev.jamespipeline.security.quarantine.RecordingQuarantine;
import dev.jamespipeline.testing.RspamdPeer;

/**
 * The spam stage's mailet against a real, private Rspamd. The quarantine is a recording stand-in: its real
 * implementation (issue 13, part 4) is another branch's; these tests check what the stage hands it and what
 * it does with the mail afterwards.
 */
class ScanForSpamTest {
    private static RspamdPeer rspamd;

    @BeforeAll
    static void startRspamd() {
        rspamd = RspamdPeer.start();
    }

    @AfterAll
    static void stopRspamd() {
        if (rspamd != null) {
            rspamd.close();
        }
    }

    @Test
    void gtubeGetsTheSpamHeadersAndVerdictsAndTheSendersOwnAreGone() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail("X-Spam-Status: No, score=-100\r\nx-spam-flag: NO\r\n" + SpamSamples.GTUBE, false, "bob@example.test");

        mailet(Map.of(), quarantine).service(mail);

        String delivered = text(mail);
        assertThat(delivered).startsWith("X-Spam-Score: 15.00\r\nX-Spam-Status: Yes, score=15.00 required=15.00 action=reject\r\n"
            + "X-Spam-Symbols: GTUBE\r\nFrom: Alice <alice@sender.test>\r\n");
        assertThat(delivered).doesNotContain("score=-100").doesNotContainIgnoringCase("x-spam-flag");
        assertThat(delivered).endsWith(SpamSamples.GTUBE.substring(SpamSamples.GTUBE.indexOf("From:")));
        assertThat(PipelineAttributes.verdict(mail, "spam")).contains("yes");
        assertThat(PipelineAttributes.verdict(mail, "spam.score")).contains("15.00");
        assertThat(PipelineAttributes.verdict(mail, "spam.action")).contains("reject");
        assertThat(PipelineAttributes.verdict(mail, "spam.symbols")).contains("GTUBE");
        assertThat(quarantine.all()).isEmpty();
        assertThat(mail.getRecipients()).containsExactly(new MailAddress("bob@example.test"));
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
    }

    @Test
    void hamSaysNoAndGoesOn() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail("X-Spam-Status: Yes\r\n" + SpamSamples.HAM, false, "bob@example.test");

        mailet(Map.of(SpamSettings.POLICY, "quarantine"), quarantine).service(mail);

        assertThat(text(mail)).startsWith("X-Spam-Score: 0.00\r\nX-Spam-Status: No, score=0.00 required=15.00 action=no_action\r\n")
            .doesNotContain("X-Spam-Status: Yes");
        assertThat(PipelineAttributes.verdict(mail, "spam")).contains("no");
        assertThat(quarantine.all()).isEmpty();
    }

    @Test
    void spamIsQuarantinedForRecipientsWhoseDomainSaysSoAndGoesOnForTheOthers() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail(SpamSamples.GTUBE, false, "bob@strict.test", "carol@example.test", "dave@strict.test");

        mailet(Map.of("security.spam.policy.strict.test", "quarantine"), quarantine).service(mail);

        assertThat(quarantine.all()).hasSize(1);
        assertThat(quarantine.all().get(0).recipients()).containsExactly("bob@strict.test", "dave@strict.test");
        assertThat(quarantine.all().get(0).reason()).startsWith("spam: score 15.00/15.00, action reject, symbols GTUBE");
        assertThat(quarantine.all().get(0).message()).startsWith("X-Spam-Score: 15.00\r\n");
        assertThat(mail.getRecipients()).containsExactly(new MailAddress("carol@example.test"));
        assertThat(mail.getState()).isNotEqualTo(Mail.GHOST);
    }

    @Test
    void spamQuarantinedForEveryRecipientEndsTheMail() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail(SpamSamples.GTUBE, false, "bob@example.test");

        mailet(Map.of(SpamSettings.POLICY, "quarantine"), quarantine).service(mail);

        assertThat(quarantine.all()).hasSize(1);
        assertThat(mail.getRecipients()).isEmpty();
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void aScannerOutageBeforeTheLastAttemptFailsTheStageSoItRetries() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail(SpamSamples.GTUBE, false, "bob@example.test");
        rspamd.stop();
        try {
            assertThatThrownBy(() -> mailet(Map.of(), quarantine).service(mail))
                .isInstanceOf(MessagingException.class)
                .hasMessageContaining("Spam scan of p-test failed, the stage retries: rspamd at ");
        } finally {
            rspamd.restart();
        }
        assertThat(PipelineAttributes.verdict(mail, "spam")).isEmpty();
        assertThat(text(mail)).isEqualTo(SpamSamples.GTUBE);
    }

    @Test
    void onTheLastAttemptTheTagFailurePolicyDeliversUncheckedNeverSilently() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail("X-Spam-Status: No\r\n" + SpamSamples.GTUBE, true, "bob@example.test");
        rspamd.stop();
        try {
            mailet(Map.of(), quarantine).service(mail);
        } finally {
            rspamd.restart();
        }
        assertThat(text(mail)).startsWith("X-Spam-Status: unchecked (scanner unavailable: rspamd at ")
            .doesNotContain("X-Spam-Status: No");
        assertThat(PipelineAttributes.verdict(mail, "spam")).contains("unchecked");
        assertThat(quarantine.all()).isEmpty();
        assertThat(mail.getRecipients()).hasSize(1);
    }

    @Test
    void onTheLastAttemptTheQuarantineFailurePolicyQuarantinesForEveryone() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        MailImpl mail = mail(SpamSamples.HAM, true, "bob@example.test", "carol@other.test");
        rspamd.stop();
        try {
            mailet(Map.of(SpamSettings.FAILURE_POLICY, "quarantine"), quarantine).service(mail);
        } finally {
            rspamd.restart();
        }
        assertThat(quarantine.all()).hasSize(1);
        assertThat(quarantine.all().get(0).recipients()).hasSize(2);
        assertThat(quarantine.all().get(0).reason()).startsWith("spam scan failed: rspamd at ");
        assertThat(quarantine.all().get(0).message()).startsWith("X-Spam-Status: unchecked (");
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void aMessageOverTheSizeLimitIsNotSentAndSaysSo() throws Exception {
        RecordingQuarantine quarantine = new RecordingQuarantine();
        String big = SpamSamples.message("big", SpamSamples.GTUBE_LINE + "\r\n" + "filler line\r\n".repeat(200));
        MailImpl mail = mail(big, false, "bob@example.test");

        mailet(Map.of(SpamSettings.MAX_MESSAGE_BYTES, "1024"), quarantine).service(mail);

        assertThat(text(mail)).startsWith("X-Spam-Status: unchecked (larger than 1024 bytes, not scanned)\r\nFrom:");
        assertThat(PipelineAttributes.verdict(mail, "spam")).contains("unchecked");
    }

    private static ScanForSpam mailet(Map<String, String> settings, MailQuarantine quarantine) {
        SpamSettings spamSettings = SpamSamples.settings(rspamd.uri(), settings);
        return new ScanForSpam(new RspamdClient(spamSettings), spamSettings, quarantine);
    }

    private static MailImpl mail(String message, boolean lastAttempt, String... recipients) throws Exception {
        List<MailAddress> addresses = new ArrayList<>();
        for (String recipient : recipients) {
            addresses.add(new MailAddress(recipient));
        }
        MailImpl mail = MailImpl.builder()
            .name("p-test")
            .sender(MaybeSender.of(new MailAddress("alice@sender.test")))
            .addRecipients(addresses)
            .remoteAddr("192.0.2.10")
            .addAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of("mail.sender.test")))
            .addAttribute(new Attribute(PipelineAttributes.LAST_ATTEMPT, AttributeValue.of(lastAttempt)))
            .build();
        mail.setMessageContent(MimeMessageInputStreamSource.create("p-test",
            new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8))));
        PipelineAttributes.setPipelineId(mail, "p-test");
        return mail;
    }

    private static String text(Mail mail) throws Exception {
        try (MimeMessageInputStream in = new MimeMessageInputStream(mail.getMessage())) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
