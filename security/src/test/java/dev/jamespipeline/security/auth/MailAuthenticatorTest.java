package dev.jamespipeline.security.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.jdkim.DKIMSigner;
import org.apache.james.server.core.MailImpl;
import org.apache.james.server.core.MimeMessageInputStreamSource;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.testing.TestDkimKey;
import dev.jamespipeline.testing.TestDns;

/** SPF, DKIM and DMARC of a mail against a real DNS server (dnsmasq) holding the test zone. */
class MailAuthenticatorTest {
    private static final String CLIENT = "192.0.2.10";
    private static final TestDkimKey KEY = TestDkimKey.generate();
    private static final TestDns DNS = TestDns.builder()
        .txt("spf-pass.test", "v=spf1 ip4:192.0.2.0/24 -all")
        .txt("spf-fail.test", "v=spf1 ip4:198.51.100.1 -all")
        .txt("spf-soft.test", "v=spf1 ~all")
        .txt("helo.test", "v=spf1 a -all")
        .host("helo.test", CLIENT)
        .txt("spf-broken.test", "v=spf1 ip4:not-an-address -all")
        .txt("spf-twice.test", "v=spf1 +all")
        .txt("spf-twice.test", "v=spf1 -all")
        .temporaryFailure("down.test")
        .txt("s1._domainkey.signed.test", KEY.txtRecord())
        .txt("_dmarc.signed.test", "v=DMARC1; p=reject")
        .txt("_dmarc.reject.test", "v=DMARC1; p=reject; pct=100")
        .start();
    private static final AuthenticationDns AUTH_DNS =
        new AuthenticationDns(() -> new String[] {DNS.address().getHostAddress()}, Duration.ofSeconds(2));
    private static final MailAuthenticator AUTHENTICATOR = new MailAuthenticator(new SpfCheck(AUTH_DNS),
        new DkimCheck(AUTH_DNS, 3), new DmarcEvaluator(AUTH_DNS::txt));

    @AfterAll
    static void stopDns() {
        DNS.close();
    }

    @Test
    void spfPassFailAndSoftfailComeFromTheZone() throws Exception {
        assertThat(AUTHENTICATOR.check(mail("a@spf-pass.test", "helo.test", plain("a@spf-pass.test"))).spfMailFrom())
            .isEqualTo(new SpfResult("pass", "a@spf-pass.test", "spf-pass.test"));
        assertThat(AUTHENTICATOR.check(mail("a@spf-fail.test", "helo.test", plain("a@spf-fail.test"))).spfMailFrom().result())
            .isEqualTo("fail");
        assertThat(AUTHENTICATOR.check(mail("a@spf-soft.test", "helo.test", plain("a@spf-soft.test"))).spfMailFrom().result())
            .isEqualTo("softfail");
        assertThat(AUTHENTICATOR.check(mail("a@nothing.test", "helo.test", plain("a@nothing.test"))).spfMailFrom().result())
            .isEqualTo("none");
    }

    @Test
    void aMalformedOrDoubledSpfRecordIsAPermanentError() throws Exception {
        assertThat(AUTHENTICATOR.check(mail("a@spf-broken.test", "helo.test", plain("a@spf-broken.test"))).spfMailFrom().result())
            .isEqualTo("permerror");
        assertThat(AUTHENTICATOR.check(mail("a@spf-twice.test", "helo.test", plain("a@spf-twice.test"))).spfMailFrom().result())
            .isEqualTo("permerror");
    }

    @Test
    void theHeloIsCheckedAndStandsForTheNullSender() throws Exception {
        AuthenticationVerdict verdict = AUTHENTICATOR.check(mail("", "helo.test", plain("a@spf-pass.test")));

        assertThat(verdict.spfHelo()).isEqualTo(new SpfResult("pass", "helo.test", "helo.test"));
        assertThat(verdict.spfMailFrom()).isEqualTo(new SpfResult("pass", "postmaster@helo.test", "helo.test"));
        assertThat(AUTHENTICATOR.check(mail("a@spf-pass.test", "[192.0.2.10]", plain("a@spf-pass.test"))).spfHelo().result())
            .isEqualTo("none");
    }

    @Test
    void aDnsFailureIsATemporaryError() throws Exception {
        AuthenticationVerdict verdict = AUTHENTICATOR.check(mail("a@down.test", "helo.test", plain("a@down.test")));

        assertThat(verdict.spfMailFrom().result()).isEqualTo("temperror");
        assertThat(verdict.dmarc().result()).isEqualTo("temperror");
        assertThat(verdict.dmarc().disposition()).isEqualTo("none");
        assertThat(verdict.hasTemporaryError()).isTrue();
    }

    @Test
    void aSignatureWhoseKeyIsInDnsPassesAndTheAlteredMessageFails() throws Exception {
        String signed = signed(plain("alice@signed.test"));

        AuthenticationVerdict verdict = AUTHENTICATOR.check(mail("a@spf-fail.test", "helo.test", signed));
        assertThat(verdict.dkim()).containsExactly(new DkimResult("pass", "signed.test", "s1", ""));
        assertThat(verdict.dmarc().result()).isEqualTo("pass");

        AuthenticationVerdict altered = AUTHENTICATOR.check(mail("a@spf-fail.test", "helo.test", signed.replace("hello", "HELLO")));
        assertThat(altered.dkim()).extracting(DkimResult::result, DkimResult::domain).containsExactly(tuple("fail", "signed.test"));
        assertThat(altered.dmarc().result()).isEqualTo("fail");
        assertThat(altered.dmarc().disposition()).isEqualTo("reject");
    }

    @Test
    void everySignatureGetsItsOwnResult() throws Exception {
        String message = plain("alice@signed.test");
        String signed = signed(message);
        String signature = signed.substring(0, signed.length() - message.length());
        String unknownSelector = "DKIM-Signature: v=1; a=rsa-sha256; d=signed.test; s=gone; h=from; bh=AAAA; b=AAAA\r\n";
        String garbage = "DKIM-Signature: not a signature\r\n";
        String overTheLimit = "DKIM-Signature: v=1; d=over.test; s=x\r\n";

        AuthenticationVerdict verdict = AUTHENTICATOR.check(mail("a@spf-fail.test", "helo.test",
            unknownSelector + garbage + signature + overTheLimit + message));

        assertThat(verdict.dkim()).extracting(DkimResult::result, DkimResult::domain).containsExactly(
            tuple("permerror", "signed.test"),
            tuple("permerror", ""),
            tuple("pass", "signed.test"),
            tuple("policy", "over.test"));
        assertThat(verdict.dkimSummary()).isEqualTo("pass");
        assertThat(verdict.dmarc().result()).isEqualTo("pass");
    }

    @Test
    void aRejectPolicyFailsMailWhoseOnlyPassIsAnotherDomainsSpf() throws Exception {
        AuthenticationVerdict verdict = AUTHENTICATOR.check(mail("a@spf-pass.test", "helo.test", plain("ceo@reject.test")));

        assertThat(verdict.spfMailFrom().result()).isEqualTo("pass");
        assertThat(verdict.dmarc().result()).isEqualTo("fail");
        assertThat(verdict.dmarc().disposition()).isEqualTo("reject");
        assertThat(verdict.dmarc().fromDomain()).isEqualTo("reject.test");
    }

    private static String plain(String from) {
        return "From: <" + from + ">\r\nTo: bob@example.test\r\nSubject: hi\r\nDate: Sun, 6 Dec 2026 11:00:00 +0000\r\n\r\nhello\r\n";
    }

    private static String signed(String message) throws Exception {
        DKIMSigner signer = new DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=signed.test; s=s1; h=from:to:subject:date; bh=; b=;",
            KEY.privateKey());
        return signer.sign(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII))) + "\r\n" + message;
    }

    private static Mail mail(String sender, String helo, String message) throws Exception {
        MailImpl mail = MailImpl.builder()
            .name("mail-" + System.nanoTime())
            .sender(sender.isEmpty() ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(sender)))
            .addRecipient(new MailAddress("bob@example.test"))
            .remoteAddr(CLIENT)
            .addAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of(helo)))
            .build();
        mail.setMessageContent(MimeMessageInputStreamSource.create(mail.getName(),
            new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1))));
        return mail;
    }
}
