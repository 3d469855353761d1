package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.envelope.DmarcResultEvent;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.mailets.MailParts;
import dev.jamespipeline.outbound.security.dkim.DkimKey;
import dev.jamespipeline.outbound.security.dkim.DkimSigner;
import dev.jamespipeline.security.auth.AuthenticationSettings;
import dev.jamespipeline.security.auth.CheckAuthentication;
import dev.jamespipeline.security.quarantine.MailQuarantine;
import dev.jamespipeline.testing.TestDkimKey;
import dev.jamespipeline.testing.TestDns;

/**
 * The authentication stage ("auth", then "route") in a real James, over SMTP and IMAP, with SPF, DKIM and DMARC
 * records in a real DNS server (dnsmasq) that James's dnsservice.xml points at. Mail comes from 127.0.0.1, which
 * this James does not count as its own network (so it is checked, as mail from the Internet is). The quarantine
 * is another component's: here one that records what it was given.
 */
class AuthenticationStageIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String AUTHSERV_ID = "mx.example.test";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final TestDkimKey KEY = TestDkimKey.generate();
    private static final RecordingQuarantine QUARANTINE = new RecordingQuarantine();

    private static final TestDns DNS = TestDns.builder()
        .txt("spf-pass.test", "v=spf1 ip4:127.0.0.1 -all")
        .txt("spf-fail.test", "v=spf1 ip4:192.0.2.1 -all")
        .txt("spf-soft.test", "v=spf1 ~all")
        .txt("test-client.local", "v=spf1 ip4:127.0.0.1 -all")
        .txt("s1._domainkey.signed.test", KEY.txtRecord())
        .txt("_dmarc.signed.test", "v=DMARC1; p=none")
        .txt("_dmarc.reject.test", "v=DMARC1; p=reject; pct=100")
        .temporaryFailure("down.test")
        .start();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("bob", "carol", "dave", "erin", "frank")
        .setting(PipelineConfiguration.STAGES, "auth,route")
        .setting(AuthenticationSettings.AUTHSERV_ID, AUTHSERV_ID)
        .setting(AuthenticationSettings.DNS_TIMEOUT, "2000")
        // two quick retries, then the last attempt
        .setting("stage.retry.delays.ms", "200,200")
        .editConf("dnsservice.xml", shipped -> DNS.dnsServiceXml())
        // 127.0.0.1 is not our network here: its mail is checked like a stranger's
        .editConf("smtpserver.xml", shipped -> shipped.replace("<authorizedAddresses>127.0.0.0/8</authorizedAddresses>",
            "<authorizedAddresses>192.0.2.0/24</authorizedAddresses>"))
        .editMailetContainer(MailetContainerEdits.stageBeforeRoute("auth", CheckAuthentication.class.getName()))
        .override(binder -> binder.bind(MailQuarantine.class).toInstance(QUARANTINE));

    @AfterAll
    static void stopDns() {
        DNS.close();
    }

    @Test
    void spfPassFailAndSoftfailFromTheZoneReachTheMessageAndTheVerdicts() throws Exception {
        String handoffs = PIPELINE.tap().tap(PIPELINE.james().topology().stagesExchange(), "route");
        String bob = "bob@" + DOMAIN;
        SmtpReply pass = PIPELINE.james().smtp().sendRaw("a@spf-pass.test", message("a@spf-pass.test", "spf pass", "one"), bob);
        PIPELINE.james().smtp().sendRaw("a@spf-fail.test", message("a@spf-fail.test", "spf fail", "two"), bob);
        PIPELINE.james().smtp().sendRaw("a@spf-soft.test", message("a@spf-soft.test", "spf softfail", "three"), bob);

        List<String> inbox = awaitInbox(bob, 3);

        assertThat(messageWithSubject(inbox, "spf pass"))
            .contains("Authentication-Results: " + AUTHSERV_ID + ";\r\n\tspf=pass smtp.mailfrom=a@spf-pass.test;\r\n"
                + "\tspf=pass smtp.helo=test-client.local;\r\n\tdkim=none;\r\n\tdmarc=none header.from=spf-pass.test\r\n");
        assertThat(messageWithSubject(inbox, "spf fail")).contains("\tspf=fail smtp.mailfrom=a@spf-fail.test;\r\n");
        assertThat(messageWithSubject(inbox, "spf softfail")).contains("\tspf=softfail smtp.mailfrom=a@spf-soft.test;\r\n");
        ReceivedEnvelope handoff = CODEC.decodeReceived(PIPELINE.tap().nextMatching(handoffs,
            body -> new String(body, StandardCharsets.UTF_8).contains(pass.pipelineId()), WAIT).getBody());
        assertThat(handoff.verdicts()).containsEntry("auth", "checked").containsEntry("spf", "pass")
            .containsEntry("spf.helo", "pass").containsEntry("dkim", "none").containsEntry("dmarc", "none")
            .containsEntry("dmarc.disposition", "none");
    }

    @Test
    void aMessageSignedWithTheKeyInDnsPassesDkimAndTheSameMessageAlteredFails() throws Exception {
        String carol = "carol@" + DOMAIN;
        byte[] signed = signed(message("alice@signed.test", "signed", "a signed body"));
        String altered = new String(signed, StandardCharsets.US_ASCII).replace("a signed body", "an altered body");

        PIPELINE.james().smtp().sendBytes("alice@signed.test", signed, carol);
        PIPELINE.james().smtp().sendRaw("alice@signed.test", altered, carol);
        List<String> inbox = awaitInbox(carol, 2);

        assertThat(messageWithBody(inbox, "a signed body"))
            .contains("\tdkim=pass header.d=signed.test header.s=s1;\r\n\tdmarc=pass header.from=signed.test\r\n");
        assertThat(messageWithBody(inbox, "an altered body"))
            .contains("\tdkim=fail reason=\"Computed bodyhash is different from the expected one\" header.d=signed.test header.s=s1;\r\n")
            .contains("\tdmarc=fail reason=\"no aligned SPF or DKIM pass\" header.from=signed.test\r\n");
    }

    @Test
    void forgedResultsClaimingOurAuthservIdAreRemovedAndOthersKept() throws Exception {
        String dave = "dave@" + DOMAIN;
        String forged = "Authentication-Results: " + AUTHSERV_ID.toUpperCase() + "; dkim=pass header.d=bank.test\r\n"
            + "Authentication-Results: (looks (nested)) \"" + AUTHSERV_ID + "\"\r\n\t; dmarc=pass\r\n"
            + "Authentication-Results:\r\n " + AUTHSERV_ID + ". 1;\r\n spf=pass\r\n"
            + "Authentication-Results: mx.upstream.test; spf=pass smtp.mailfrom=a@spf-fail.test\r\n";
        PIPELINE.james().smtp().sendRaw("a@spf-fail.test", forged + message("a@spf-fail.test", "forged", "forged results"), dave);

        String delivered = awaitInbox(dave, 1).get(0);

        assertThat(delivered.split("Authentication-Results: " + AUTHSERV_ID + ";", -1)).hasSize(2);
        assertThat(delivered).doesNotContainIgnoringCase(AUTHSERV_ID + "; dkim=pass")
            .doesNotContain("dmarc=pass\r\n")
            .doesNotContain(AUTHSERV_ID + ". 1;")
            .contains("Authentication-Results: mx.upstream.test; spf=pass smtp.mailfrom=a@spf-fail.test\r\n")
            .contains("\tspf=fail smtp.mailfrom=a@spf-fail.test;");
    }

    @Test
    void aDmarcRejectFailureIsQuarantinedNotDeliveredAndReportedWithItsDisposition() throws Exception {
        String results = PIPELINE.tap().tap(PIPELINE.james().topology().telemetryExchange(), DmarcResultEvent.ROUTING_KEY);
        String erin = "erin@" + DOMAIN;
        // SPF passes, but for the envelope's domain: nothing aligns with reject.test
        SmtpReply reply = PIPELINE.james().smtp().sendRaw("a@spf-pass.test", message("ceo@reject.test", "wire money", "now"), erin);
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        DmarcResultEvent event = JSON.readValue(PIPELINE.tap().nextMatching(results,
            body -> new String(body, StandardCharsets.UTF_8).contains(reply.pipelineId()), WAIT).getBody(), DmarcResultEvent.class);

        assertThat(event.version()).isEqualTo(DmarcResultEvent.VERSION);
        assertThat(event.headerFromDomain()).isEqualTo("reject.test");
        assertThat(event.result()).isEqualTo("fail");
        assertThat(event.disposition()).isEqualTo("reject");
        assertThat(event.policy()).isEqualTo(new DmarcResultEvent.Policy("reject.test", "reject", "reject", 100, "r", "r"));
        assertThat(event.spf()).isEqualTo(new DmarcResultEvent.Check("pass", "spf-pass.test"));
        assertThat(event.dkim()).isEmpty();
        assertThat(event.clientIp()).isEqualTo("127.0.0.1");
        RecordingQuarantine.Call call = await().atMost(WAIT).until(() -> QUARANTINE.callFor(reply.pipelineId()), found -> found != null);
        assertThat(call.recipients()).containsExactly(erin);
        assertThat(call.reason()).startsWith("dmarc reject: reject.test");
        assertThat(call.message()).startsWith("Authentication-Results: " + AUTHSERV_ID + ";")
            .contains("\tdmarc=fail reason=\"no aligned SPF or DKIM pass\" header.from=reject.test");
        // the stage ended the mail there: the next stage never gets it
        assertThat(PIPELINE.james().imap().inboxCount(erin, PipelineJames.PASSWORD)).isZero();
    }

    @Test
    void aDnsOutageRetriesTheStageAndTheLastAttemptDeliversWithTemperror() throws Exception {
        String frank = "frank@" + DOMAIN;
        PIPELINE.james().smtp().sendRaw("a@down.test", message("ceo@down.test", "dns down", "still delivered"), frank);

        String delivered = awaitInbox(frank, 1).get(0);

        assertThat(delivered).contains("\tspf=temperror smtp.mailfrom=a@down.test;\r\n")
            .contains("\tdmarc=temperror reason=\"DMARC record lookup failed: ");
        // three attempts (the first two failed and were retried), each asking for the From domain's DMARC record once
        assertThat(DNS.log().lines().filter(line -> line.contains("query[TXT] _dmarc.down.test from"))).as(DNS.log()).hasSize(3);
    }

    private static List<String> awaitInbox(String user, int count) {
        return await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxMessages(user, PipelineJames.PASSWORD),
            messages -> messages.size() >= count);
    }

    private static String messageWithSubject(List<String> messages, String subject) {
        return messages.stream().filter(message -> message.contains("\r\nSubject: " + subject + "\r\n")).findFirst().orElseThrow();
    }

    private static String messageWithBody(List<String> messages, String body) {
        return messages.stream().filter(message -> message.contains(body)).findFirst().orElseThrow();
    }

    private static String message(String from, String subject, String body) {
        return "From: <" + from + ">\r\nTo: someone@" + DOMAIN + "\r\nSubject: " + subject
            + "\r\nDate: Sun, 6 Dec 2026 11:00:00 +0000\r\nMessage-ID: <" + subject.replace(' ', '-') + "@test>\r\n\r\n" + body + "\r\n";
    }

    private static byte[] signed(String message) throws Exception {
        DkimSigner signer = new DkimSigner(List.of(new DkimKey("signed.test", "s1", KEY.privateKey())),
            List.of("from", "to", "subject", "date", "message-id"));
        return signer.sign(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)))
            .prependTo(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII))).readAllBytes();
    }

    /** Records what the stage quarantined, with the message as it was then. */
    static final class RecordingQuarantine implements MailQuarantine {
        record Call(String mailName, List<String> recipients, String reason, String message) {
        }

        private final List<Call> calls = new ArrayList<>();

        @Override
        public synchronized String quarantine(Mail mail, Collection<MailAddress> recipients, String reason) {
            try {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                MailParts.writeMessage(mail, out);
                calls.add(new Call(mail.getName(), recipients.stream().map(MailAddress::asString).toList(), reason,
                    out.toString(StandardCharsets.ISO_8859_1)));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return "recorded-" + calls.size();
        }

        synchronized Call callFor(String pipelineId) {
            return calls.stream().filter(call -> call.mailName().equals(pipelineId)).findFirst().orElse(null);
        }
    }
}
