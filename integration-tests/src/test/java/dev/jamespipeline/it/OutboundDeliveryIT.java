package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import javax.mail.BodyPart;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.MailBounced;
import dev.jamespipeline.core.envelope.OutboundJob;
import dev.jamespipeline.core.envelope.SmtpDeliveryResult;
import dev.jamespipeline.testing.PostfixPeer;
import dev.jamespipeline.testing.SmtpSinkPeer;
import dev.jamespipeline.testing.SmtpSinkPeer.Behaviour;
import dev.jamespipeline.testing.TestDns;

/**
 * Remote delivery end to end: real James, the outbound worker on RabbitMQ, James's DNSService asking
 * dnsmasq, Postfix's smtp-sink and a private Postfix as the remote servers. The schedule is compressed
 * to seconds: tiers of 2 s and 4 s, then every 3 s, a lifetime of 10 s, the delay warning at 4 s.
 */
class OutboundDeliveryIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

    /** Tempfails RCPT for two sessions, then accepts. */
    private static final SmtpSinkPeer RETRYING = SmtpSinkPeer.start(
        Behaviour.accepting().softReject("RCPT").forSessions(2), Behaviour.accepting());
    private static final SmtpSinkPeer REJECTING = SmtpSinkPeer.start(Behaviour.accepting().hardReply("550 5.1.1 no such user")
        .hardReject("RCPT"));
    private static final SmtpSinkPeer DOWN = SmtpSinkPeer.start(Behaviour.accepting().softReject("CONNECT"));
    private static final SmtpSinkPeer ACCEPTING = SmtpSinkPeer.start(Behaviour.accepting());
    private static final PostfixPeer MIXED = PostfixPeer.builder()
        .accept("bob@mixed.test")
        .reject("busy@mixed.test", "450 4.2.1 try again later")
        .reject("gone@mixed.test", "550 5.1.1 no such user")
        .start();
    private static final TestDns DNS = TestDns.builder()
        .host("mx.retry.test", RETRYING.address().getHostAddress())
        .mx("retry.test", 10, "mx.retry.test")
        .host("mx.reject.test", REJECTING.address().getHostAddress())
        .mx("reject.test", 10, "mx.reject.test")
        // The first MX refuses connections; the second answers 4xx at the greeting: every host fails, every time.
        .host("mx1.down.test", "127.0.0.1")
        .mx("down.test", 10, "mx1.down.test")
        .host("mx2.down.test", DOWN.address().getHostAddress())
        .mx("down.test", 20, "mx2.down.test")
        .host("mx.dup.test", ACCEPTING.address().getHostAddress())
        .mx("dup.test", 10, "mx.dup.test")
        .host("mx.mixed.test", MIXED.address().getHostAddress())
        .mx("mixed.test", 10, "mx.mixed.test")
        .host("mx.held.test", DOWN.address().getHostAddress())
        .mx("held.test", 10, "mx.held.test")
        .host("mx.dropped.test", DOWN.address().getHostAddress())
        .mx("dropped.test", 10, "mx.dropped.test")
        .nullMx("nullmx.test")
        .start();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob", "carol", "dave", "erin", "frank", "grace", "henry")
        .editConf("dnsservice.xml", shipped -> DNS.dnsServiceXml())
        .setting(OutboundJobs.WORKER_ENABLED, "true")
        .setting("outbound.retry.delays.ms", "2000,4000")
        .setting("outbound.retry.repeat.delays.ms", "3000")
        .setting("outbound.max.age.ms", "10000")
        .setting("outbound.delay.warning.ms", "4000")
        .setting("outbound.concurrency", "4")
        .setting("outbound.smtp.timeout.ms", "10000")
        .setting("outbound.smtp.connect.timeout.ms", "5000");

    @AfterAll
    static void stopPeers() {
        DNS.close();
        RETRYING.close();
        REJECTING.close();
        DOWN.close();
        ACCEPTING.close();
        MIXED.close();
    }

    @Test
    void aPeerThatTempfailsTwiceGetsTheMailOnTheThirdAttemptAtTheScheduledTimes() throws Exception {
        SmtpReply reply = PIPELINE.james().smtp().send("erin@" + DOMAIN, "third time lucky", "body", "someone@retry.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        List<SmtpSinkPeer.Received> received = RETRYING.awaitReceived(1, WAIT);

        assertThat(received.get(0).recipients()).containsExactly("someone@retry.test");
        assertThat(received.get(0).text()).contains("Subject: third time lucky");
        List<Instant> sessions = RETRYING.connections();
        assertThat(sessions).hasSize(3);
        System.out.printf("OutboundDeliveryIT: attempts %d ms and %d ms apart (scheduled 2000 and 4000)%n",
            Duration.between(sessions.get(0), sessions.get(1)).toMillis(), Duration.between(sessions.get(1), sessions.get(2)).toMillis());
        // Uniform-TTL delay queues: 2 s, then 4 s (the broker's expiry and a job's handling add a little).
        assertThat(Duration.between(sessions.get(0), sessions.get(1))).isBetween(Duration.ofMillis(1900), Duration.ofMillis(3500));
        assertThat(Duration.between(sessions.get(1), sessions.get(2))).isBetween(Duration.ofMillis(3900), Duration.ofMillis(5500));
    }

    @Test
    void aRecipientRefusedWith5xxBouncesWithAnRfc3464DsnInTheSendersInbox() throws Exception {
        String bounced = PIPELINE.tap().tap(PIPELINE.james().topology().mailEventsExchange(), MailBounced.ROUTING_KEY);
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "to nobody", "body", "nobody@reject.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        MimeMessage dsn = awaitDsn("alice", "nobody@reject.test", "failed");

        BodyPart status = deliveryStatus(dsn);
        String fields = new String(status.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(fields).contains("Final-Recipient: rfc822; nobody@reject.test").contains("Action: failed")
            .contains("Status: 5.1.1").contains("Diagnostic-Code: smtp; 550 5.1.1 no such user")
            .contains("Remote-MTA: dns; mx.reject.test");
        assertThat(((MimeMultipart) dsn.getContent()).getBodyPart(2).getContentType()).startsWith("text/rfc822-headers");
        assertThat(new String(((MimeMultipart) dsn.getContent()).getBodyPart(2).getInputStream().readAllBytes(),
            StandardCharsets.UTF_8)).contains("Subject: to nobody");
        GetResponse event = PIPELINE.tap().next(bounced, WAIT);
        assertThat(event).isNotNull();
        MailBounced mailBounced = new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules()
            .readValue(event.getBody(), MailBounced.class);
        assertThat(mailBounced.pipelineId()).isEqualTo(reply.pipelineId());
        assertThat(mailBounced.recipients()).extracting(MailBounced.Recipient::address).containsExactly("nobody@reject.test");
    }

    @Test
    void mailThatCannotBeDeliveredWithinItsLifetimeEarnsOneDelayWarningThenBounces() throws Exception {
        SmtpReply reply = PIPELINE.james().smtp().send("bob@" + DOMAIN, "into the void", "body", "someone@down.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        MimeMessage warning = awaitDsn("bob", "someone@down.test", "delayed");
        assertThat(warning.getSubject()).isEqualTo("Delayed Mail (still being retried)");
        MimeMessage expired = awaitDsn("bob", "someone@down.test", "failed");
        String fields = new String(deliveryStatus(expired).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(fields).contains("Status: 4.4.7").contains("delivery time expired");
        assertThat(dsnsOf("bob", "delayed")).hasSize(1);
        assertThat(DOWN.received()).isEmpty();
    }

    @Test
    void aTransactionWithMixedAnswersIsHandledPerRecipient() throws Exception {
        SmtpReply reply = PIPELINE.james().smtp().send("carol@" + DOMAIN, "mixed", "body",
            "bob@mixed.test", "busy@mixed.test", "gone@mixed.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        assertThat(MIXED.awaitMessagesFor("bob@mixed.test", 1, WAIT)).hasSize(1);
        MimeMessage bounce = awaitDsn("carol", "gone@mixed.test", "failed");
        String fields = new String(deliveryStatus(bounce).getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(fields).contains("Status: 5.1.1").doesNotContain("bob@mixed.test").doesNotContain("busy@mixed.test");
        // busy@ keeps being retried (4xx) until its lifetime ends; bob@ is never sent again.
        MimeMessage expired = awaitDsn("carol", "busy@mixed.test", "failed");
        assertThat(new String(deliveryStatus(expired).getInputStream().readAllBytes(), StandardCharsets.UTF_8))
            .contains("Status: 4.4.7").doesNotContain("gone@mixed.test");
        assertThat(MIXED.messagesFor("bob@mixed.test")).hasSize(1);
    }

    @Test
    void aNullMxDomainBouncesWithoutAConnection() throws Exception {
        String results = PIPELINE.tap().tap(PIPELINE.james().topology().telemetryExchange(), SmtpDeliveryResult.ROUTING_KEY);
        SmtpReply reply = PIPELINE.james().smtp().send("dave@" + DOMAIN, "to a null MX", "body", "someone@nullmx.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        MimeMessage bounce = awaitDsn("dave", "someone@nullmx.test", "failed");

        assertThat(new String(deliveryStatus(bounce).getInputStream().readAllBytes(), StandardCharsets.UTF_8))
            .contains("Status: 5.1.10").contains("null MX");
        SmtpDeliveryResult result = null;
        while (result == null || !result.pipelineId().equals(reply.pipelineId())) {
            GetResponse next = PIPELINE.tap().next(results, WAIT);
            assertThat(next).as("smtp.delivery.result for " + reply.pipelineId()).isNotNull();
            result = new com.fasterxml.jackson.databind.ObjectMapper().findAndRegisterModules()
                .readValue(next.getBody(), SmtpDeliveryResult.class);
        }
        assertThat(result.domain()).isEqualTo("nullmx.test");
        assertThat(result.result()).isEqualTo("permfail");
        assertThat(result.mx()).isEmpty();
        assertThat(result.attempt()).isEqualTo(1);
    }

    @Test
    void aJobRedeliveredAfterItsDeliveryIsNotDeliveredAgain() throws Exception {
        String jobs = PIPELINE.tap().tap(PIPELINE.james().topology().outboundJobsExchange(), OutboundJob.ROUTING_KEY);
        SmtpReply reply = PIPELINE.james().smtp().send("frank@" + DOMAIN, "once only", "body", "someone@dup.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();
        assertThat(ACCEPTING.awaitReceived(1, WAIT)).hasSize(1);
        GetResponse job = PIPELINE.tap().next(jobs, WAIT);
        while (!CODEC.decodeOutbound(job.getBody()).pipelineId().equals(reply.pipelineId())) {
            job = PIPELINE.tap().next(jobs, WAIT);
        }
        String outboundQueue = PIPELINE.james().topology().outboundQueue();

        // The same signed job again, as RabbitMQ redelivers it after a lost ack.
        PIPELINE.tap().publish("", outboundQueue, job.getProps(), job.getBody());
        await().atMost(WAIT).until(() -> PIPELINE.tap().readyCount(outboundQueue) == 0);
        // A later job to the same peer: once it arrives, the repeat (taken before it) has long been handled.
        SmtpReply later = PIPELINE.james().smtp().send("frank@" + DOMAIN, "later", "body", "someone@dup.test");
        assertThat(later.accepted()).as(later.text()).isTrue();
        List<SmtpSinkPeer.Received> received = ACCEPTING.awaitReceived(2, WAIT);

        assertThat(received).extracting(r -> r.text().contains("Subject: once only")).containsExactly(true, false);
    }

    @Test
    void mailWaitingForARetryIsListedPerDomainAndAnOperatorCanBounceItNow() throws Exception {
        SmtpReply reply = PIPELINE.james().smtp().send("grace@" + DOMAIN, "held back", "body", "someone@held.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();

        com.fasterxml.jackson.databind.JsonNode waiting = await().atMost(WAIT).until(
            () -> mapper.readTree(PIPELINE.james().webAdmin("GET", "/pipeline/outbound?domain=held.test").body()),
            list -> list.size() == 1);
        com.fasterxml.jackson.databind.JsonNode job = waiting.get(0);
        assertThat(job.get("pipelineId").asText()).isEqualTo(reply.pipelineId());
        assertThat(job.get("pendingRecipients").get(0).asText()).isEqualTo("someone@held.test");
        assertThat(job.get("attempts").asInt()).isGreaterThanOrEqualTo(1);
        assertThat(job.get("lastError").asText()).contains("mx.held.test");
        assertThat(Instant.parse(job.get("nextAttempt").asText())).isAfter(Instant.now().minusSeconds(5));
        assertThat(mapper.readTree(PIPELINE.james().webAdmin("GET", "/pipeline/outbound?domain=retry.test").body())
            .findValuesAsText("jobId")).doesNotContain(job.get("jobId").asText());

        var bounce = PIPELINE.james().webAdmin("POST", "/pipeline/outbound/" + job.get("jobId").asText() + "?action=bounce");
        assertThat(bounce.statusCode()).as(bounce.body()).isEqualTo(202);

        MimeMessage dsn = awaitDsn("grace", "someone@held.test", "failed");
        assertThat(statusOf(dsn)).contains("cancelled by the postmaster");
        await().atMost(WAIT).until(() -> mapper.readTree(PIPELINE.james().webAdmin("GET", "/pipeline/outbound?domain=held.test")
            .body()).isEmpty());
        assertThat(PIPELINE.james().webAdmin("POST", "/pipeline/outbound/" + job.get("jobId").asText() + "?action=retry")
            .statusCode()).isEqualTo(404);
    }

    @Test
    void anOperatorCanDeleteWaitingMailWithoutADsn() throws Exception {
        SmtpReply reply = PIPELINE.james().smtp().send("henry@" + DOMAIN, "never mind", "body", "someone@dropped.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();
        com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
        String jobId = await().atMost(WAIT).until(
            () -> mapper.readTree(PIPELINE.james().webAdmin("GET", "/pipeline/outbound?domain=dropped.test").body()),
            list -> list.size() == 1).get(0).get("jobId").asText();

        assertThat(PIPELINE.james().webAdmin("DELETE", "/pipeline/outbound/" + jobId).statusCode()).isEqualTo(202);

        // Gone well before its 10 s lifetime would have bounced it: the operator's copy dropped it, without a DSN.
        await().atMost(Duration.ofSeconds(8)).until(() -> mapper.readTree(
            PIPELINE.james().webAdmin("GET", "/pipeline/outbound?domain=dropped.test").body()).isEmpty());
        assertThat(PIPELINE.james().imap().inboxMessages("henry@" + DOMAIN, PipelineJames.PASSWORD)).isEmpty();
        assertThat(PIPELINE.james().webAdmin("GET", "/pipeline/outbound?limit=0").statusCode()).isEqualTo(400);
    }

    private static MimeMessage awaitDsn(String user, String recipient, String action) {
        // A message being appended can be counted by SELECT before FETCH sees it: such a poll is simply repeated.
        return await().atMost(WAIT).ignoreExceptions().until(() -> dsnsOf(user, action).stream()
            .filter(dsn -> statusOf(dsn).contains("Final-Recipient: rfc822; " + recipient))
            .findFirst().orElse(null), dsn -> dsn != null);
    }

    /** Every DSN in {@code user}'s INBOX whose delivery-status part says {@code Action: <action>}. */
    private static List<MimeMessage> dsnsOf(String user, String action) throws Exception {
        return PIPELINE.james().imap().inboxMessages(user + "@" + DOMAIN, PipelineJames.PASSWORD).stream()
            .map(OutboundDeliveryIT::parse)
            .filter(message -> statusOf(message).contains("Action: " + action))
            .toList();
    }

    /** The message inside an IMAP FETCH reply ({@code * 1 FETCH (BODY[] {n}} then n octets). */
    private static MimeMessage parse(String fetchReply) {
        java.util.regex.Matcher literal = java.util.regex.Pattern.compile("\\{(\\d+)\\}\r\n").matcher(fetchReply);
        if (!literal.find()) {
            throw new AssertionError("not a FETCH reply with a literal: " + fetchReply);
        }
        int start = literal.end();
        String raw = fetchReply.substring(start, Math.min(fetchReply.length(), start + Integer.parseInt(literal.group(1))));
        try {
            return new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The message/delivery-status part of an RFC 3464 report ("" when the message is not one). */
    private static String statusOf(MimeMessage message) {
        try {
            BodyPart part = deliveryStatus(message);
            return part == null ? "" : new String(part.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (Exception e) {
            return "";
        }
    }

    private static BodyPart deliveryStatus(MimeMessage message) throws Exception {
        if (!message.getContentType().toLowerCase().startsWith("multipart/report")
            || !message.getContentType().toLowerCase().contains("report-type=delivery-status")) {
            return null;
        }
        MimeMultipart report = (MimeMultipart) message.getContent();
        BodyPart status = report.getBodyPart(1);
        return status.getContentType().toLowerCase().startsWith("message/delivery-status") ? status : null;
    }
}
