package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.MailQuarantined;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.security.quarantine.QuarantineIds;

/**
 * Stages "check,route": the check stage quarantines mail with the header {@code X-Quarantine-Me} (the
 * {@code Quarantine} mailet) and, through the Java API, bob's copy of mail with {@code X-Quarantine-Bob}; the
 * route stage quarantines mail with {@code X-Quarantine-Late}, which has no stage after it to be released to.
 * Over SMTP, IMAP, RabbitMQ and WebAdmin. One consumer per stage, so a mail sent after another one is
 * handled after it: a later mail in the INBOX proves the earlier one was handled.
 */
class QuarantineIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String ALICE = "alice@" + DOMAIN;
    private static final String BOB = "bob@" + DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final String CHECK_STAGE = """
                <processor state="check" enableJmx="false">
                    <mailet match="HasHeader=X-Quarantine-Me" class="dev.jamespipeline.security.quarantine.Quarantine">
                        <reason>test header X-Quarantine-Me</reason>
                        <onMatchException>propagate</onMatchException>
                        <onMailetException>propagate</onMailetException>
                    </mailet>
                    <mailet match="HasHeader=X-Quarantine-Bob" class="dev.jamespipeline.it.mailets.QuarantineRecipient">
                        <recipient>bob@example.test</recipient>
                        <reason>bob's policy</reason>
                        <onMatchException>propagate</onMatchException>
                        <onMailetException>propagate</onMailetException>
                    </mailet>
                    <mailet match="All" class="dev.jamespipeline.mailets.PassToNextStage">
                        <onMailetException>propagate</onMailetException>
                    </mailet>
                </processor>
        """;
    private static final String LATE_QUARANTINE = """
            <mailet match="HasHeader=X-Quarantine-Late" class="dev.jamespipeline.security.quarantine.Quarantine">
                <reason>quarantined by the last stage</reason>
                <onMatchException>propagate</onMatchException>
                <onMailetException>propagate</onMailetException>
            </mailet>
        """;
    private static final String ROUTE_RELAY_LIMIT = "<mailet match=\"RelayLimit=30\" class=\"Null\">";

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .setting(PipelineConfiguration.STAGES, "check,route")
        .setting("stage.concurrency", "1")
        .setting("stage.prefetch", "1")
        .editMailetContainer(conf -> conf
            .replace("<processor state=\"route\"", CHECK_STAGE.strip() + "\n\n        <processor state=\"route\"")
            .replace(ROUTE_RELAY_LIMIT, LATE_QUARANTINE.strip() + "\n            " + ROUTE_RELAY_LIMIT));

    @Test
    void quarantinedMailIsKeptAnnouncedListedAndReleasedToItsRecipientOnce() throws Exception {
        Topology topology = PIPELINE.james().topology();
        String routeHandoffs = PIPELINE.tap().tap(topology.stagesExchange(), "route");
        String subject = "keep me " + UUID.randomUUID();

        JsonNode event = quarantined("X-Quarantine-Me: yes", subject, BOB);
        String pipelineId = event.path("pipelineId").asText();
        String id = event.path("quarantineId").asText();
        assertThat(id).isEqualTo(QuarantineIds.of(pipelineId, "check", "test header X-Quarantine-Me"));
        assertThat(event.path("version").asInt()).isEqualTo(MailQuarantined.VERSION);
        assertThat(event.path("sender").asText()).isEqualTo(ALICE);
        assertThat(event.path("recipients")).extracting(JsonNode::asText).containsExactly(BOB);
        assertThat(event.path("reason").asText()).isEqualTo("test header X-Quarantine-Me");
        assertThat(event.path("stage").asText()).isEqualTo("check");
        assertThat(event.path("size").asLong()).isPositive();
        assertThat(event.path("quarantinedAt").asText()).isNotEmpty();

        deliveredAfterEverythingBefore(BOB);
        assertThat(inboxWithSubject(BOB, subject)).isEmpty();

        JsonNode listed = quarantine().entry(id).orElse(null);
        assertThat(listed).as("listed " + id).isNotNull();
        assertThat(listed.path("reason").asText()).isEqualTo("test header X-Quarantine-Me");
        assertThat(listed.path("stage").asText()).isEqualTo("check");
        assertThat(listed.path("sender").asText()).isEqualTo(ALICE);
        assertThat(listed.path("recipients")).extracting(JsonNode::asText).containsExactly(BOB);
        assertThat(listed.path("size").asLong()).isEqualTo(event.path("size").asLong());
        QuarantineAdmin.Reply details = quarantine().call("GET", "/pipeline/quarantine/" + id);
        assertThat(details.status()).isEqualTo(200);
        assertThat(details.json().path("pipelineId").asText()).isEqualTo(pipelineId);

        QuarantineAdmin.Reply released = quarantine().release(id);
        assertThat(released.status()).as(released.json().toString()).isEqualTo(200);
        String releasedId = QuarantineIds.released(pipelineId, id);
        assertThat(released.json().path("pipelineId").asText()).isEqualTo(releasedId);
        assertThat(released.json().path("stage").asText()).isEqualTo("route");
        await().atMost(WAIT).until(() -> inboxWithSubject(BOB, subject).size() == 1);
        assertThat(inboxWithSubject(BOB, subject).get(0)).contains("X-Quarantine-Me: yes");

        // A release that crashed after its hand-off and before removing the entry is repeated: the same envelope
        // again. The route stage's ledger drops it.
        GetResponse handoff = PIPELINE.tap().nextMatching(routeHandoffs, body -> contains(body, releasedId), WAIT);
        ReceivedEnvelope envelope = CODEC.decodeReceived(handoff.getBody());
        assertThat(envelope.verdicts()).containsEntry("quarantine.released", id);
        assertThat(envelope.recipients()).containsExactly(BOB);
        PIPELINE.tap().publish(topology.stagesExchange(), "route", handoff.getProps(), handoff.getBody());
        deliveredAfterEverythingBefore(BOB);
        assertThat(inboxWithSubject(BOB, subject)).hasSize(1);

        assertThat(quarantine().release(id).status()).isEqualTo(404);
        assertThat(quarantine().call("GET", "/pipeline/quarantine/" + id).status()).isEqualTo(404);
        assertThat(quarantine().entry(id)).isEmpty();
        deliveredAfterEverythingBefore(BOB);
        assertThat(inboxWithSubject(BOB, subject)).hasSize(1);
    }

    @Test
    void deletedMailIsGoneAndNeverDelivered() throws Exception {
        String subject = "delete me " + UUID.randomUUID();
        String id = quarantined("X-Quarantine-Me: yes", subject, BOB).path("quarantineId").asText();

        QuarantineAdmin.Reply deleted = quarantine().call("DELETE", "/pipeline/quarantine/" + id);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(quarantine().call("GET", "/pipeline/quarantine/" + id).status()).isEqualTo(404);
        assertThat(quarantine().release(id).status()).isEqualTo(404);
        assertThat(quarantine().call("DELETE", "/pipeline/quarantine/" + id).status()).isEqualTo(404);
        assertThat(quarantine().entry(id)).isEmpty();
        deliveredAfterEverythingBefore(BOB);
        assertThat(inboxWithSubject(BOB, subject)).isEmpty();
    }

    @Test
    void oneRecipientQuarantinedTheOtherDeliveredThenReleasedOnce() throws Exception {
        String subject = "bob's copy kept " + UUID.randomUUID();
        JsonNode event = quarantined("X-Quarantine-Bob: yes", subject, ALICE, BOB);
        assertThat(event.path("recipients")).extracting(JsonNode::asText).containsExactly(BOB);

        await().atMost(WAIT).until(() -> inboxWithSubject(ALICE, subject).size() == 1);
        deliveredAfterEverythingBefore(BOB);
        assertThat(inboxWithSubject(BOB, subject)).isEmpty();

        assertThat(quarantine().release(event.path("quarantineId").asText()).status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> inboxWithSubject(BOB, subject).size() == 1);
        deliveredAfterEverythingBefore(ALICE);
        assertThat(inboxWithSubject(ALICE, subject)).hasSize(1);
    }

    @Test
    void mailTheLastStageQuarantinedIsNotReleasedForWantOfAStageAfterIt() throws Exception {
        String subject = "kept by route " + UUID.randomUUID();
        JsonNode event = quarantined("X-Quarantine-Late: yes", subject, BOB);
        assertThat(event.path("stage").asText()).isEqualTo("route");

        QuarantineAdmin.Reply refused = quarantine().release(event.path("quarantineId").asText());
        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.json().path("message").asText()).contains("'route'", "last one");
        assertThat(quarantine().call("GET", "/pipeline/quarantine/" + event.path("quarantineId").asText()).status()).isEqualTo(200);
        deliveredAfterEverythingBefore(BOB);
        assertThat(inboxWithSubject(BOB, subject)).isEmpty();
    }

    @Test
    void hostileRequestsAreRefusedWithTheReason() throws Exception {
        for (String method : List.of("GET", "POST", "DELETE")) {
            assertThat(withoutToken(method, "/pipeline/quarantine/some-id?action=release")).as(method).isEqualTo(401);
        }
        assertThat(withoutToken("GET", "/pipeline/quarantine")).isEqualTo(401);

        QuarantineAdmin.Reply noAction = quarantine().call("POST", "/pipeline/quarantine/some-id");
        assertThat(noAction.status()).isEqualTo(400);
        assertThat(noAction.json().path("message").asText()).contains("'release'", "missing");
        QuarantineAdmin.Reply badAction = quarantine().call("POST", "/pipeline/quarantine/some-id?action=deliver");
        assertThat(badAction.status()).isEqualTo(400);
        assertThat(badAction.json().path("message").asText()).contains("'release'", "'deliver'");

        String huge = "a".repeat(10_000);
        for (String id : List.of("a".repeat(4_000), "%E2%98%83", "a%3BDROP%20TABLE", "-leading-dash", "a".repeat(129), "a.b")) {
            for (String method : List.of("GET", "DELETE")) {
                QuarantineAdmin.Reply reply = quarantine().call(method, "/pipeline/quarantine/" + id);
                assertThat(reply.status()).as(method + " " + id.substring(0, Math.min(40, id.length()))).isEqualTo(400);
                assertThat(reply.json().path("message").asText()).contains("is not a quarantine id");
                assertThat(reply.json().path("message").asText().length()).isLessThan(400);
            }
            assertThat(quarantine().call("POST", "/pipeline/quarantine/" + id + "?action=release").status()).isEqualTo(400);
        }
        // Paths that leave the route (an encoded '/', '..') or exceed Jetty's request line: Jetty or WebAdmin refuse
        // them before any route runs.
        for (String id : List.of("..%2F..%2Fetc%2Fpasswd", "%2E%2E", "..", "a%2F..%2F..%2Fqueues", huge)) {
            for (String method : List.of("GET", "POST", "DELETE")) {
                int status = webAdminStatus(method, "/pipeline/quarantine/" + id + "?action=release");
                assertThat(status).as(method + " " + id.substring(0, Math.min(40, id.length()))).isIn(400, 404, 414, 431);
            }
        }
        String unknown = QuarantineIds.of(UUID.randomUUID().toString(), "check", "never");
        assertThat(quarantine().call("GET", "/pipeline/quarantine/" + unknown).status()).isEqualTo(404);
        assertThat(quarantine().call("POST", "/pipeline/quarantine/" + unknown + "?action=release").status()).isEqualTo(404);
        assertThat(quarantine().call("DELETE", "/pipeline/quarantine/" + unknown).status()).isEqualTo(404);

        for (String query : List.of("limit=0", "limit=1001", "limit=abc", "limit=" + "9".repeat(4_000), "offset=-1", "offset=x",
                "offset=99999999999")) {
            QuarantineAdmin.Reply reply = quarantine().call("GET", "/pipeline/quarantine?" + query);
            assertThat(reply.status()).as(query.substring(0, Math.min(40, query.length()))).isEqualTo(400);
        }
        QuarantineAdmin.Reply page = quarantine().call("GET", "/pipeline/quarantine?limit=1&offset=1000000");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().path("items")).isEmpty();
    }

    /**
     * Sends {@code user} a mail no stage stops and waits for it in the INBOX: with one consumer per stage,
     * everything queued before it has been handled by then.
     */
    private static void deliveredAfterEverythingBefore(String user) throws Exception {
        String subject = "fence " + UUID.randomUUID();
        PIPELINE.james().smtp().send(ALICE, subject, "after everything before", user);
        await().atMost(WAIT).until(() -> inboxWithSubject(user, subject).size() == 1);
    }

    /** Sends alice's mail with {@code header} to {@code recipients}, and returns its {@code mail.quarantined} event. */
    private static JsonNode quarantined(String header, String subject, String... recipients) throws Exception {
        String announcements = PIPELINE.tap().tap(PIPELINE.james().topology().mailEventsExchange(), MailQuarantined.ROUTING_KEY);
        String message = "From: " + ALICE + "\r\nTo: " + String.join(", ", recipients) + "\r\nSubject: " + subject
            + "\r\nMessage-ID: <" + UUID.randomUUID() + "@test-client.local>\r\n" + header + "\r\n\r\nbody\r\n";
        SmtpReply reply = PIPELINE.james().smtp().sendRaw(ALICE, message, recipients);
        assertThat(reply.accepted()).as(reply.text()).isTrue();
        return QuarantineAdmin.announcement(PIPELINE.tap(), announcements, reply.pipelineId(), WAIT);
    }

    private static List<String> inboxWithSubject(String user, String subject) throws Exception {
        return PIPELINE.james().imap().inboxMessages(user, PipelineJames.PASSWORD).stream()
            .filter(message -> message.contains("Subject: " + subject))
            .toList();
    }

    private static QuarantineAdmin quarantine() {
        return new QuarantineAdmin(PIPELINE.james());
    }

    /** The status alone, for answers that may not come from WebAdmin's JSON error handling. */
    private static int webAdminStatus(String method, String pathAndQuery) throws Exception {
        return PIPELINE.james().webAdmin(method, pathAndQuery).statusCode();
    }

    private static int withoutToken(String method, String pathAndQuery) throws Exception {
        URI uri = PIPELINE.james().webAdminUri(pathAndQuery);
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody())
            .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static boolean contains(byte[] body, String text) {
        return new String(body, StandardCharsets.UTF_8).contains(text);
    }
}
