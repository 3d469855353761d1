package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.DmarcResultEvent;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.MailQuarantined;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.security.auth.AuthenticationSettings;
import dev.jamespipeline.testing.TestDkimKey;
import dev.jamespipeline.testing.TestDns;

/**
 * The authentication stage ("auth", then "route") in a real James, over SMTP and IMAP, with SPF, DKIM and DMARC
 * records in a real DNS server (dnsmasq) that James's dnsservice.xml points at. Mail comes from 127.0.0.1, which
 * this James does not count as its own network (so it is checked, as mail from the Internet is). The shipped
 * mailetcontainer.xml's "auth" processor, and the real quarantine (seen through its event, WebAdmin and the bytes
 * it kept).
 */
class AuthenticationStageIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String AUTHSERV_ID = "mx.example.test";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final TestDkimKey KEY = TestDkimKey.generate();

    private static final TestDns DNS = TestDns.builder()
        .txt("spf-pass.test", "v=spf1 ip4:127.0.0.1 -all")
        .txt("spf-fail.test", "v=spf1 ip4:192.0.2.1 -all")
        .txt("spf-soft.test", "v=spf1 ~all")
        .txt("test-client.local", "v=spf1 ip4:127.0.0.1 -all")
        .txt(DkimRoundTrip.KEY_NAME, KEY.txtRecord())
        .txt(DkimRoundTrip.DMARC_NAME, DkimRoundTrip.DMARC_RECORD)
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
            "<authorizedAddresses>192.0.2.0/24</authorizedAddresses>"));

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
        DkimRoundTrip.Delivered delivered = DkimRoundTrip.sendTo(PIPELINE.james(), KEY, "carol@" + DOMAIN, WAIT);

        assertThat(delivered.signed()).contains(DkimRoundTrip.PASSED);
        assertThat(delivered.altered()).contains(DkimRoundTrip.ALTERED_FAILED);
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
        Topology topology = PIPELINE.james().topology();
        String results = PIPELINE.tap().tap(topology.telemetryExchange(), DmarcResultEvent.ROUTING_KEY);
        String announcements = PIPELINE.tap().tap(topology.mailEventsExchange(), MailQuarantined.ROUTING_KEY);
        String routeHandoffs = PIPELINE.tap().tap(topology.stagesExchange(), "route");
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
        JsonNode announced = QuarantineAdmin.announcement(PIPELINE.tap(), announcements, reply.pipelineId(), WAIT);
        assertThat(announced.path("stage").asText()).isEqualTo("auth");
        assertThat(announced.path("recipients")).extracting(JsonNode::asText).containsExactly(erin);
        assertThat(announced.path("reason").asText()).startsWith("dmarc reject: reject.test");
        String id = announced.path("quarantineId").asText();
        QuarantineAdmin quarantine = new QuarantineAdmin(PIPELINE.james());
        assertThat(quarantine.entry(id)).as("listed by WebAdmin").hasValueSatisfying(listed ->
            assertThat(listed.path("verdicts").path("dmarc.disposition").asText()).isEqualTo("reject"));
        assertThat(quarantine.keptMessage(id)).startsWith("Authentication-Results: " + AUTHSERV_ID + ";")
            .contains("\tdmarc=fail reason=\"no aligned SPF or DKIM pass\" header.from=reject.test");
        // the stage ended the mail there: once it is done, no hand-off to the next stage came, nor a delivery
        DeliveryLedger ledger = PIPELINE.james().ledger();
        await().atMost(WAIT).until(() -> ledger.contains(reply.pipelineId(), LedgerEntry.stageDone("auth")));
        assertThat(PIPELINE.tap().drainedAnyContaining(routeHandoffs, reply.pipelineId())).as("handed to route").isFalse();
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

    private static String message(String from, String subject, String body) {
        return "From: <" + from + ">\r\nTo: someone@" + DOMAIN + "\r\nSubject: " + subject
            + "\r\nDate: Sun, 6 Dec 2026 11:00:00 +0000\r\nMessage-ID: <" + subject.replace(' ', '-') + "@test>\r\n\r\n" + body + "\r\n";
    }
}
