package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.envelope.DeliveredEvent;

/**
 * Access to the broker alone grants nothing: a mail.received published straight to RabbitMQ without
 * James's signature, with another key's, or with a genuine signature copied onto a body of the
 * attacker's making (another user's stored message for themselves, or relay rights) is dead-lettered
 * with the reason and delivers nothing, while signed mail keeps flowing. The indexer refuses unsigned events too.
 */
class ForgedEnvelopeIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final String MALLORY = "mallory@" + DOMAIN;

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob", "mallory");

    @Test
    void forgedEnvelopesAreDeadLetteredWithTheReasonAndDeliverNothing() throws Exception {
        PipelineJames james = PIPELINE.james();
        String received = PIPELINE.tap().tap(james.topology().mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY);
        // Bob's message, as another node publishes it: a genuine body and signature the attacker can read off the broker.
        ReceivedEnvelope bobs = ReceivedEvents.publish(james, PIPELINE.tap(), "alice@" + DOMAIN, List.of("bob@" + DOMAIN),
            ReceivedEvents.message("alice@" + DOMAIN, "bob@" + DOMAIN, "for bob only", "bob's secret"));
        GetResponse genuine = PIPELINE.tap().nextMatching(received,
            body -> new String(body, StandardCharsets.UTF_8).contains(bobs.pipelineId()), WAIT);
        await().atMost(WAIT).until(() -> james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == 1);

        Forgery unsigned = publish(forged(bobs, List.of(MALLORY), false), forged -> unsignedProperties(forged));
        Forgery wrongKey = publish(forged(bobs, List.of(MALLORY), false), forged -> otherKey().sign(unsignedProperties(forged), forged.body()));
        Forgery copiedOntoAnotherUsersMessage = publish(forged(bobs, List.of(MALLORY), false),
            forged -> withSignatureOf(genuine, unsignedProperties(forged)));
        Forgery copiedOntoRelay = publish(forged(bobs, List.of("victim@remote.test"), true),
            forged -> withSignatureOf(genuine, unsignedProperties(forged)));

        Map<String, String> reasons = deadLetterReasons(stageDeadLetters(), List.of(unsigned.pipelineId(), wrongKey.pipelineId(),
            copiedOntoAnotherUsersMessage.pipelineId(), copiedOntoRelay.pipelineId()));
        assertThat(reasons.get(unsigned.pipelineId())).isEqualTo("unsigned: no x-pipeline-signature header");
        assertThat(reasons.get(wrongKey.pipelineId())).startsWith("forged or altered");
        assertThat(reasons.get(copiedOntoAnotherUsersMessage.pipelineId())).startsWith("forged or altered");
        assertThat(reasons.get(copiedOntoRelay.pipelineId())).startsWith("forged or altered");

        SmtpReply plain = james.smtp().send("alice@" + DOMAIN, "plain", "signed by the ingest", MALLORY);
        assertThat(plain.accepted()).isTrue();
        await().atMost(WAIT).until(() -> james.imap().inboxCount(MALLORY, PipelineJames.PASSWORD) >= 1);
        // The forgeries were dead-lettered before this message was sent: had any been delivered, it would be here.
        List<String> mallorysInbox = james.imap().inboxMessages(MALLORY, PipelineJames.PASSWORD);
        assertThat(mallorysInbox).hasSize(1);
        assertThat(mallorysInbox.get(0)).contains("signed by the ingest").doesNotContain("bob's secret");
        assertThat(OutboundJobs.take(PIPELINE.tap(), james)).noneMatch(job -> job.pipelineId().equals(copiedOntoRelay.pipelineId()));
    }

    @Test
    void anUnsignedEventForTheIndexerIsDeadLetteredWithTheReason() throws Exception {
        PipelineJames james = PIPELINE.james();
        String messageId = PipelineIds.next();
        byte[] body = ("{\"version\":1,\"user\":\"bob@" + DOMAIN + "\",\"mailbox\":\"INBOX\",\"mailboxId\":\"1\","
            + "\"messageId\":\"1\",\"uid\":1,\"size\":10,\"pipelineId\":null,\"deliveredAt\":\"2026-01-01T00:00:00Z\"}")
            .getBytes(StandardCharsets.UTF_8);

        PIPELINE.tap().publish(james.topology().mailEventsExchange(), DeliveredEvent.ROUTING_KEY,
            MessageProperties.persistentJson(messageId, Instant.now()).builder().type(DeliveredEvent.ROUTING_KEY).build(), body);

        String deadLetters = james.topology().deadLetterQueue(james.topology().indexQueue());
        assertThat(deadLetterReasons(deadLetters, List.of(messageId)).get(messageId))
            .isEqualTo("unsigned: no x-pipeline-signature header");
    }

    /** Bob's stored message under a fresh pipeline id (so no ledger entry stops it), for the attacker's recipients. */
    private static ReceivedEnvelope forged(ReceivedEnvelope original, List<String> recipients, boolean relayAllowed) {
        return new ReceivedEnvelope(ReceivedEnvelope.VERSION, PipelineIds.next(), original.domain(), original.storage(),
            original.sender(), recipients, original.clientIp(), original.helo(), original.authUser(), relayAllowed,
            original.receivedAt(), original.stage(), Map.of());
    }

    private record Forgery(String pipelineId, byte[] body) {
    }

    @FunctionalInterface
    private interface Signing {
        AMQP.BasicProperties propertiesFor(Forgery forgery) throws Exception;
    }

    private static Forgery publish(ReceivedEnvelope envelope, Signing signing) throws Exception {
        Forgery forgery = new Forgery(envelope.pipelineId(), CODEC.encode(envelope));
        PIPELINE.tap().publish(PIPELINE.james().topology().mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY,
            signing.propertiesFor(forgery), forgery.body());
        return forgery;
    }

    private static AMQP.BasicProperties unsignedProperties(Forgery forgery) {
        return MessageProperties.persistentJson(forgery.pipelineId(), Instant.now());
    }

    private static AMQP.BasicProperties withSignatureOf(GetResponse genuine, AMQP.BasicProperties properties) {
        Map<String, Object> headers = new HashMap<>(properties.getHeaders());
        headers.put(EnvelopeSigner.SIGNATURE_HEADER, genuine.getProps().getHeaders().get(EnvelopeSigner.SIGNATURE_HEADER));
        return properties.builder().headers(headers).build();
    }

    /** A key of the attacker's making under James's key id. */
    private static EnvelopeSigner otherKey() {
        String keyId = PipelineJames.TEST_SIGNING_KEYS.substring(0, PipelineJames.TEST_SIGNING_KEYS.indexOf(':'));
        String secret = Base64.getEncoder().encodeToString("not-the-key-james-was-given-32by".getBytes(StandardCharsets.US_ASCII));
        return new EnvelopeSigner(EnvelopeSigner.parseKeys(List.of(keyId + ":" + secret)));
    }

    private static String stageDeadLetters() {
        Topology topology = PIPELINE.james().topology();
        return topology.deadLetterQueue(topology.stageQueue(PIPELINE.james().configuration().firstStage()));
    }

    private static Map<String, String> deadLetterReasons(String deadLetters, List<String> messageIds) {
        Map<String, String> reasons = new HashMap<>();
        await().atMost(WAIT).until(() -> {
            for (GetResponse dead : PIPELINE.tap().drain(deadLetters)) {
                reasons.put(dead.getProps().getMessageId(),
                    String.valueOf(dead.getProps().getHeaders().get(MessageProperties.DEAD_LETTER_REASON_HEADER)));
            }
            return reasons.keySet().containsAll(messageIds);
        });
        return reasons;
    }
}
