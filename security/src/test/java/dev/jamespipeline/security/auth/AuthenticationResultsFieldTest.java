package dev.jamespipeline.security.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.mailets.HeaderFieldEdits;
import dev.jamespipeline.mailets.HeaderFieldEdits.RawField;
import dev.jamespipeline.mailets.MailParts;

class AuthenticationResultsFieldTest {
    private final AuthenticationResultsField field = new AuthenticationResultsField("mx.example.test");

    private static RawField raw(String text) {
        byte[] bytes = (text + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        return new RawField(text.substring(0, text.indexOf(':')).trim(), bytes);
    }

    @Test
    void recognisesOurAuthservIdHoweverItIsWritten() {
        assertThat(List.of(
            "Authentication-Results: mx.example.test; spf=pass smtp.mailfrom=a@b.test",
            "authentication-results: MX.Example.TEST; dkim=pass",
            "Authentication-Results:mx.example.test;dmarc=pass",
            "Authentication-Results : mx.example.test; none",
            "Authentication-Results:\r\n\tmx.example.test;\r\n\tspf=pass",
            "Authentication-Results: (forged (nested) comment) mx.example.test (more) ; spf=pass",
            "Authentication-Results: \"mx.example.test\"; spf=pass",
            "Authentication-Results: mx.example.test.; spf=pass",
            "Authentication-Results: mx.example.test 1; spf=pass",
            "Authentication-Results: mx.example.test"))
            .allSatisfy(text -> assertThat(field.claimsOurs(raw(text))).as(text).isTrue());
    }

    @Test
    void leavesOtherServersFieldsAndOtherFieldsAlone() {
        assertThat(List.of(
            "Authentication-Results: mx.other.test; spf=pass",
            "Authentication-Results: mx.example.test.evil; spf=pass",
            "Authentication-Results: evil-mx.example.test; spf=pass",
            "Authentication-Results: (mx.example.test) other.test; spf=pass",
            "Authentication-Results: (unclosed mx.example.test; spf=pass",
            "X-Authentication-Results: mx.example.test; spf=pass",
            "ARC-Authentication-Results: i=1; mx.example.test; spf=pass",
            "Subject: mx.example.test; spf=pass"))
            .allSatisfy(text -> assertThat(field.claimsOurs(raw(text))).as(text).isFalse());
    }

    @Test
    void formatsOneResultPerLineWithOneDkimResultPerSignature() {
        AuthenticationVerdict verdict = new AuthenticationVerdict(
            new SpfResult("softfail", "bounce@sender.test", "sender.test"),
            new SpfResult("none", "[192.0.2.1]", ""),
            List.of(new DkimResult("pass", "sender.test", "s1", ""),
                new DkimResult("fail", "other.test", "k2", "Computed bodyhash is different from the expected one")),
            new DmarcResult("pass", "sender.test", Optional.empty(), "none", ""));

        assertThat(field.format(verdict)).isEqualTo("Authentication-Results: mx.example.test;\r\n"
            + "\tspf=softfail smtp.mailfrom=bounce@sender.test;\r\n"
            + "\tspf=none smtp.helo=\"[192.0.2.1]\";\r\n"
            + "\tdkim=pass header.d=sender.test header.s=s1;\r\n"
            + "\tdkim=fail reason=\"Computed bodyhash is different from the expected one\" header.d=other.test header.s=k2;\r\n"
            + "\tdmarc=pass header.from=sender.test");
    }

    @Test
    void hostileValuesCannotAddResultsOrFields() {
        AuthenticationVerdict verdict = new AuthenticationVerdict(
            new SpfResult("pass", "a;dkim=pass@x.test", "x.test"),
            new SpfResult("none", "helo\r\nX-Forged: yes", ""),
            List.of(),
            new DmarcResult("none", "", Optional.empty(), "none", "quote \" and \u00e9"));

        String formatted = field.format(verdict);

        assertThat(formatted).contains("smtp.mailfrom=\"a;dkim=pass@x.test\"")
            .contains("dkim=none")
            .contains("reason=\"quote \\\" and ?\"")
            .doesNotContain("\nX-Forged");
    }

    @Test
    void removalDropsOnlyOurFieldsAndKeepsEveryOtherByte() throws Exception {
        String message = "Received: from x\r\n"
            + "Authentication-Results: (x) MX.example.test;\r\n spf=pass\r\n"
            + "Authentication-Results: mx.other.test; spf=fail\r\n"
            + "Subject: caf\u00e9 8-bit\r\n"
            + "authentication-results:\tmx.example.test; dkim=pass\n"
            + "\r\n"
            + "Authentication-Results: mx.example.test; in the body stays\r\n";
        MailImpl mail = MailImpl.builder().name("m1").addRecipient(new MailAddress("bob@example.test")).build();
        mail.setMessageContent(MimeMessageInputStreamSource.create("m1",
            new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1))));

        HeaderFieldEdits.remove(mail, field::claimsOurs);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MailParts.writeMessage(mail, out);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("Received: from x\r\n"
            + "Authentication-Results: mx.other.test; spf=fail\r\n"
            + "Subject: caf\u00e9 8-bit\r\n"
            + "\r\n"
            + "Authentication-Results: mx.example.test; in the body stays\r\n");
    }

    @Test
    void removalWorksOnAHeaderThatEndsTheMessageWithoutABlankLine() throws Exception {
        MailImpl mail = MailImpl.builder().name("m3").addRecipient(new MailAddress("bob@example.test")).build();
        mail.setMessageContent(MimeMessageInputStreamSource.create("m3", new ByteArrayInputStream(
            "Subject: s\r\nAuthentication-Results: mx.example.test;\r\n\tspf=pass".getBytes(StandardCharsets.ISO_8859_1))));

        HeaderFieldEdits.remove(mail, field::claimsOurs);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MailParts.writeMessage(mail, out);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("Subject: s\r\n");
    }

    @Test
    void aPrependedFieldKeepsItsFoldsButNoOtherLineBreak() throws Exception {
        MailImpl mail = MailImpl.builder().name("m2").addRecipient(new MailAddress("bob@example.test")).build();
        mail.setMessageContent(MimeMessageInputStreamSource.create("m2",
            new ByteArrayInputStream("Subject: s\r\n\r\nbody\r\n".getBytes(StandardCharsets.ISO_8859_1))));

        HeaderFieldEdits.prepend(mail, List.of("A: one;\r\n\ttwo\r\nX-Forged: yes\nY: z\r"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MailParts.writeMessage(mail, out);
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo("A: one;\r\n\ttwo X-Forged: yes Y: z \r\nSubject: s\r\n\r\nbody\r\n");
    }
}
