package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.PipelineHeaders;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;

/** The happy path: SMTP in, RabbitMQ stage, IMAP out, with the events on the broker checked. */
class SmtpToImapDeliveryIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob", "carol");

    static final EnvelopeCodec CODEC = new EnvelopeCodec();

    @Test
    void mailSentOverSmtpIsInTheRecipientsInboxOverImap() throws Exception {
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "hello bob", "first pipeline message", "bob@" + DOMAIN);

        assertThat(reply.code()).isEqualTo(250);
        assertThat(reply.text()).contains("queued as");
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == 1);
        String stored = PIPELINE.james().imap().inboxMessages("bob@" + DOMAIN, PipelineJames.PASSWORD).get(0);
        assertThat(stored)
            .contains("Subject: hello bob")
            .contains("first pipeline message")
            .contains(PipelineHeaders.PIPELINE_ID + ": " + reply.pipelineId());
    }

    @Test
    void theHealthCheckReportsAHealthyPipeline() throws Exception {
        PIPELINE.james().smtp().send("alice@" + DOMAIN, "health", "connects the publisher", "bob@" + DOMAIN);

        // The health check reads the pipeline state sampler's snapshot, taken every sampler.interval.ms.
        await().atMost(WAIT).until(() -> PIPELINE.james().pipelineHealth().json().contains("\"status\":\"healthy\""));
        PipelineJames.HealthReport health = PIPELINE.james().pipelineHealth();

        assertThat(health.httpStatus()).isEqualTo(200);
        assertThat(health.json()).contains("\"status\":\"healthy\"");
    }

    @Test
    void mailReceivedEventReferencesTheStoredMessageAndCarriesNoBody() throws Exception {
        Topology topology = PIPELINE.james().topology();
        String received = PIPELINE.tap().tap(topology.mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY);
        String bodyMarker = "body-marker-that-must-not-ride-the-broker";

        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "marker", bodyMarker, "carol@" + DOMAIN);

        GetResponse event = PIPELINE.tap().nextMatching(received,
            body -> new String(body, StandardCharsets.UTF_8).contains(reply.pipelineId()), WAIT);
        String json = new String(event.getBody(), StandardCharsets.UTF_8);
        assertThat(json).doesNotContain(bodyMarker).doesNotContain("Subject: marker");
        ReceivedEnvelope envelope = CODEC.decodeReceived(event.getBody());
        assertThat(envelope.pipelineId()).isEqualTo(reply.pipelineId());
        assertThat(envelope.recipients()).containsExactly("carol@" + DOMAIN);
        assertThat(envelope.sender()).isEqualTo("alice@" + DOMAIN);
        assertThat(envelope.clientIp()).isEqualTo("127.0.0.1");
        assertThat(envelope.helo()).isEqualTo("test-client.local");
        assertThat(envelope.stage()).isEqualTo("route");
        assertThat(event.getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(event.getProps().getMessageId()).isEqualTo(reply.pipelineId());
        assertThat(event.getProps().getHeaders()).containsKey("x-first-received");
        // The reference points at the bytes that were received, intact.
        byte[] stored = PIPELINE.james().storedMessage(envelope.storage().key());
        assertThat(new String(stored, StandardCharsets.UTF_8)).contains(bodyMarker);
        assertThat((long) stored.length).isEqualTo(envelope.storage().size());
    }

    @Test
    void everyDeliveryIsAnnouncedAsMailDelivered() throws Exception {
        String delivered = PIPELINE.tap().tap(PIPELINE.james().topology().mailEventsExchange(), DeliveredEvent.ROUTING_KEY);

        SmtpReply reply = PIPELINE.james().smtp().send("bob@" + DOMAIN, "to alice", "announce me", "alice@" + DOMAIN);

        DeliveredEvent event = CODEC.decodeDelivered(PIPELINE.tap().nextMatching(delivered,
            body -> new String(body, StandardCharsets.UTF_8).contains(reply.pipelineId()), WAIT).getBody());
        assertThat(event.user()).isEqualTo("alice@" + DOMAIN);
        assertThat(event.mailbox()).isEqualTo("INBOX");
        assertThat(event.pipelineId()).isEqualTo(reply.pipelineId());
        assertThat(event.uid()).isPositive();
        assertThat(event.size()).isPositive();
        assertThat(event.messageId()).isNotBlank();
        assertThat(event.mailboxId()).isNotBlank();
    }

    @Test
    void oneMessageToSeveralLocalUsersLandsOnceInEachInbox() throws Exception {
        int bobBefore = PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD);
        int carolBefore = PIPELINE.james().imap().inboxCount("carol@" + DOMAIN, PipelineJames.PASSWORD);

        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "team", "to both", "bob@" + DOMAIN, "carol@" + DOMAIN);

        assertThat(reply.accepted()).isTrue();
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == bobBefore + 1
            && PIPELINE.james().imap().inboxCount("carol@" + DOMAIN, PipelineJames.PASSWORD) == carolBefore + 1);
        List<String> carolMessages = PIPELINE.james().imap().inboxMessages("carol@" + DOMAIN, PipelineJames.PASSWORD);
        assertThat(carolMessages.get(carolMessages.size() - 1)).contains("to both");
    }
}
