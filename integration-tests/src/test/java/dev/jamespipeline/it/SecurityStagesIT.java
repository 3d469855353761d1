package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.DmarcResultEvent;
import dev.jamespipeline.core.envelope.MailQuarantined;
import dev.jamespipeline.security.auth.AuthenticationSettings;
import dev.jamespipeline.security.spam.SpamSettings;
import dev.jamespipeline.security.virus.VirusSettings;
import dev.jamespipeline.testing.ClamdPeer;
import dev.jamespipeline.testing.RspamdPeer;
import dev.jamespipeline.testing.TestDkimKey;
import dev.jamespipeline.testing.TestDns;
import dev.jamespipeline.testing.TestViruses;

/**
 * The three security stages as shipped, end to end: one real James running james-conf/'s mailetcontainer.xml
 * unchanged with {@code stages=auth,spam,virus,route}, a private Rspamd, a private clamd with the shipped
 * signatures, and dnsmasq as James's DNS with SPF, DKIM and DMARC records; mail goes in over SMTP from
 * 127.0.0.1 (not our network here, so it is checked as a stranger's) and is read over IMAP; the quarantine is
 * seen through WebAdmin and RabbitMQ.
 * <p>
 * One consumer per stage: a mail sent later is handled later by every stage, so a later "fence" mail in the
 * INBOX proves an earlier one was handled, and what it did not deliver never will be.
 */
class SecurityStagesIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    /** A domain of ours whose spam policy is quarantine. */
    private static final String STRICT_DOMAIN = "strict.test";
    private static final String AUTHSERV_ID = "mx.example.test";
    private static final String SENDER = "a@sender.test";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();
    private static final String GTUBE_LINE = "XJS*C4JDBQADN1.NSBN3*2IDNEN*GTUBE-STANDARD-ANTI-UBE-TEST-EMAIL*C.34X";
    private static final TestDkimKey KEY = TestDkimKey.generate();

    private static final RspamdPeer RSPAMD = RspamdPeer.start();
    private static final ClamdPeer CLAMD = ClamdPeer.start();
    private static final TestDns DNS = TestDns.builder()
        .txt("sender.test", "v=spf1 ip4:127.0.0.1 -all")
        .txt("test-client.local", "v=spf1 ip4:127.0.0.1 -all")
        .txt(DkimRoundTrip.KEY_NAME, KEY.txtRecord())
        .txt(DkimRoundTrip.DMARC_NAME, DkimRoundTrip.DMARC_RECORD)
        .txt("_dmarc.reject.test", "v=DMARC1; p=reject")
        .start();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("bob", "carol", "dave", "erin", "frank")
        .setting(PipelineConfiguration.STAGES, "auth,spam,virus,route")
        .setting("stage.concurrency", "1")
        .setting("stage.prefetch", "1")
        .setting("stage.retry.delays.ms", "500,500")
        .setting(AuthenticationSettings.AUTHSERV_ID, AUTHSERV_ID)
        .setting(AuthenticationSettings.DNS_TIMEOUT, "2000")
        .setting(SpamSettings.RSPAMD_URL, RSPAMD.uri().toString())
        .setting(SpamSettings.POLICY + "." + STRICT_DOMAIN, "quarantine")
        .setting(VirusSettings.CLAMD_HOST, CLAMD.host())
        .setting(VirusSettings.CLAMD_PORT, Integer.toString(CLAMD.port()))
        .editConf("dnsservice.xml", shipped -> DNS.dnsServiceXml())
        // 127.0.0.1 is not our network here: its mail is checked like a stranger's
        .editConf("smtpserver.xml", shipped -> shipped.replace("<authorizedAddresses>127.0.0.0/8</authorizedAddresses>",
            "<authorizedAddresses>192.0.2.0/24</authorizedAddresses>"));

    @BeforeAll
    static void strictDomainUser() throws Exception {
        PIPELINE.james().withUsers(STRICT_DOMAIN, "sam");
    }

    @AfterAll
    static void stopPeers() {
        DNS.close();
        CLAMD.close();
        RSPAMD.close();
    }

    @Test
    void gtubeLandsInJunkWithTheSpamHeadersOrInTheQuarantineForADomainWhosePolicyIsQuarantine() throws Exception {
        String bob = "bob@" + DOMAIN;
        String sam = "sam@" + STRICT_DOMAIN;
        String announcements = tapQuarantined();
        String subject = "gtube " + UUID.randomUUID();
        SmtpReply reply = PIPELINE.james().smtp().sendRaw(SENDER, message(SENDER, subject, GTUBE_LINE), bob, sam);
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        String junk = awaitMessage(bob, "Junk", subject);
        assertThat(junk).contains("X-Spam-Status: Yes, score=15.00 required=15.00 action=reject", "X-Spam-Symbols: GTUBE",
            "Authentication-Results: " + AUTHSERV_ID + ";\r\n\tspf=pass smtp.mailfrom=" + SENDER + ";\r\n",
            "X-Virus-Scanned: clamav\r\n");

        JsonNode event = QuarantineAdmin.announcement(PIPELINE.tap(), announcements, reply.pipelineId(), WAIT);
        assertThat(event.path("stage").asText()).isEqualTo("spam");
        assertThat(event.path("recipients")).extracting(JsonNode::asText).containsExactly(sam);
        assertThat(event.path("reason").asText()).startsWith("spam: score 15.00/15.00, action reject, symbols GTUBE");
        String id = event.path("quarantineId").asText();
        assertThat(quarantine().entry(id)).as("listed by WebAdmin").hasValueSatisfying(listed ->
            assertThat(listed.path("recipients")).extracting(JsonNode::asText).containsExactly(sam));
        assertThat(quarantine().keptMessage(id)).contains("X-Spam-Symbols: GTUBE", "Authentication-Results: " + AUTHSERV_ID + ";");

        deliveredAfterEverythingBefore(sam);
        assertThat(messagesWithSubject(sam, "INBOX", subject)).isEmpty();
        assertThat(messagesWithSubject(sam, "Junk", subject)).isEmpty();
        assertThat(messagesWithSubject(bob, "INBOX", subject)).isEmpty();
    }

    @Test
    void eicarIsQuarantinedNeverDeliveredAndAReleaseDeliversItOnce() throws Exception {
        String carol = "carol@" + DOMAIN;
        String announcements = tapQuarantined();
        String subject = "eicar " + UUID.randomUUID();
        SmtpReply reply = PIPELINE.james().smtp().sendBytes(SENDER, TestViruses.messageWithEicarAttachment(subject), carol);
        assertThat(reply.accepted()).as(reply.text()).isTrue();
        String signature = TestViruses.EICAR + TestViruses.UNOFFICIAL;

        JsonNode event = QuarantineAdmin.announcement(PIPELINE.tap(), announcements, reply.pipelineId(), WAIT);
        assertThat(event.path("stage").asText()).isEqualTo("virus");
        assertThat(event.path("reason").asText()).isEqualTo("virus " + signature);
        assertThat(event.path("recipients")).extracting(JsonNode::asText).containsExactly(carol);
        String id = event.path("quarantineId").asText();
        assertThat(quarantine().entry(id)).as("listed by WebAdmin").isPresent();
        deliveredAfterEverythingBefore(carol);
        assertThat(messagesWithSubject(carol, "INBOX", subject)).isEmpty();

        QuarantineAdmin.Reply released = quarantine().release(id);
        assertThat(released.status()).as(released.json().toString()).isEqualTo(200);
        assertThat(released.json().path("stage").asText()).isEqualTo("route");
        await().atMost(WAIT).until(() -> messagesWithSubject(carol, "INBOX", subject).size() == 1);
        assertThat(messagesWithSubject(carol, "INBOX", subject).get(0))
            .contains("X-Virus-Found: " + signature + "\r\n", "Authentication-Results: " + AUTHSERV_ID + ";");

        assertThat(quarantine().release(id).status()).isEqualTo(404);
        assertThat(quarantine().entry(id)).isEmpty();
        deliveredAfterEverythingBefore(carol);
        assertThat(messagesWithSubject(carol, "INBOX", subject)).hasSize(1);
    }

    @Test
    void aMessageSignedWithTheKeyInDnsPassesDkimAndTheSameMessageAlteredFails() throws Exception {
        DkimRoundTrip.Delivered delivered = DkimRoundTrip.sendTo(PIPELINE.james(), KEY, "dave@" + DOMAIN, WAIT);

        assertThat(delivered.signed()).contains(DkimRoundTrip.PASSED);
        assertThat(delivered.altered()).contains(DkimRoundTrip.ALTERED_FAILED);
    }

    @Test
    void aDmarcRejectFailureIsQuarantinedAnnouncedAndReportedWithItsDisposition() throws Exception {
        String erin = "erin@" + DOMAIN;
        Topology topology = PIPELINE.james().topology();
        String results = PIPELINE.tap().tap(topology.telemetryExchange(), DmarcResultEvent.ROUTING_KEY);
        String announcements = tapQuarantined();
        String subject = "wire money " + UUID.randomUUID();
        // SPF passes, but for the envelope's domain: nothing aligns with reject.test
        SmtpReply reply = PIPELINE.james().smtp().sendRaw(SENDER, message("ceo@reject.test", subject, "now"), erin);
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        DmarcResultEvent result = JSON.readValue(PIPELINE.tap().nextMatching(results,
            body -> new String(body, StandardCharsets.UTF_8).contains(reply.pipelineId()), WAIT).getBody(), DmarcResultEvent.class);
        assertThat(result.headerFromDomain()).isEqualTo("reject.test");
        assertThat(result.result()).isEqualTo("fail");
        assertThat(result.disposition()).isEqualTo("reject");
        assertThat(result.spf()).isEqualTo(new DmarcResultEvent.Check("pass", "sender.test"));

        JsonNode event = QuarantineAdmin.announcement(PIPELINE.tap(), announcements, reply.pipelineId(), WAIT);
        assertThat(event.path("stage").asText()).isEqualTo("auth");
        assertThat(event.path("recipients")).extracting(JsonNode::asText).containsExactly(erin);
        assertThat(event.path("reason").asText()).startsWith("dmarc reject: reject.test");
        assertThat(quarantine().entry(event.path("quarantineId").asText())).as("listed by WebAdmin").isPresent();
        deliveredAfterEverythingBefore(erin);
        assertThat(messagesWithSubject(erin, "INBOX", subject)).isEmpty();
        assertThat(messagesWithSubject(erin, "Junk", subject)).isEmpty();
    }

    @Test
    void aCleanMessageGoesThroughTheThreeStagesIntoTheInboxByteExactBehindTheirFields() throws Exception {
        String frank = "frank@" + DOMAIN;
        byte[] sent = ("From: " + SENDER + "\r\nTo: " + frank + "\r\nSubject: clean\r\nDate: Sun, 6 Dec 2026 12:00:00 +0000\r\n"
            + "Message-ID: <clean@sender.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n\r\nGrüße aus Köln, \r\n\r\n  indented line\r\n.dot first\r\n")
            .getBytes(StandardCharsets.UTF_8);
        SmtpReply reply = PIPELINE.james().smtp().sendBytes(SENDER, sent, frank);
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount(frank, PipelineJames.PASSWORD) == 1);
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        PIPELINE.james().imap().fetchRaw(frank, PipelineJames.PASSWORD, 1, raw);
        byte[] delivered = raw.toByteArray();
        String text = raw.toString(StandardCharsets.ISO_8859_1);

        // what was sent, byte for byte, behind the fields the pipeline and the stages put on top
        assertThat(delivered.length).isGreaterThan(sent.length);
        byte[] tail = Arrays.copyOfRange(delivered, delivered.length - sent.length, delivered.length);
        assertThat(tail).isEqualTo(sent);
        String prepended = text.substring(0, delivered.length - sent.length);
        assertThat(prepended).doesNotContain("\r\n\r\n");
        assertThat(text.split("(?m)^Authentication-Results:", -1)).as("one Authentication-Results field").hasSize(2);
        assertThat(prepended)
            .contains("Authentication-Results: " + AUTHSERV_ID + ";\r\n\tspf=pass smtp.mailfrom=" + SENDER + ";\r\n"
                + "\tspf=pass smtp.helo=test-client.local;\r\n\tdkim=none;\r\n\tdmarc=none header.from=sender.test\r\n")
            .contains("X-Spam-Status: No, ")
            .contains("X-Virus-Scanned: clamav\r\n")
            .doesNotContain("X-Virus-Found");
        assertThat(quarantine().entriesOf(reply.pipelineId())).isEmpty();
    }

    private static QuarantineAdmin quarantine() {
        return new QuarantineAdmin(PIPELINE.james());
    }

    /** A private queue that gets every {@code mail.quarantined} from now on. */
    private static String tapQuarantined() throws Exception {
        return PIPELINE.tap().tap(PIPELINE.james().topology().mailEventsExchange(), MailQuarantined.ROUTING_KEY);
    }

    /**
     * Sends {@code user} a clean mail and waits for it in the INBOX: with one consumer per stage, everything sent
     * or released before it has been through every stage by then.
     */
    private static void deliveredAfterEverythingBefore(String user) throws Exception {
        String subject = "fence " + UUID.randomUUID();
        PIPELINE.james().smtp().sendRaw(SENDER, message(SENDER, subject, "after everything before"), user);
        await().atMost(WAIT).until(() -> messagesWithSubject(user, "INBOX", subject).size() == 1);
    }

    /** The messages with this subject in the user's folder; none when the folder was never made. */
    private static List<String> messagesWithSubject(String user, String folder, String subject) throws Exception {
        ImapReader imap = PIPELINE.james().imap();
        if (!imap.hasFolder(user, PipelineJames.PASSWORD, folder)) {
            return List.of();
        }
        return imap.messages(user, PipelineJames.PASSWORD, folder).stream()
            .filter(message -> message.contains("\r\nSubject: " + subject + "\r\n"))
            .toList();
    }

    private static String awaitMessage(String user, String folder, String subject) {
        return await().atMost(WAIT).ignoreExceptions()
            .until(() -> messagesWithSubject(user, folder, subject), messages -> !messages.isEmpty()).get(0);
    }

    private static String message(String from, String subject, String body) {
        return "From: <" + from + ">\r\nTo: someone@" + DOMAIN + "\r\nSubject: " + subject
            + "\r\nDate: Sun, 6 Dec 2026 11:00:00 +0000\r\nMessage-ID: <" + UUID.randomUUID() + "@test>\r\n\r\n" + body + "\r\n";
    }
}
