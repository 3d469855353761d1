package dev.jamespipeline.it;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.core.store.StoredBlob;

/** Puts a message into the pipeline the way another node would: store it, publish mail.received signed with its key. */
final class ReceivedEvents {
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();

    private ReceivedEvents() {
    }

    static ReceivedEnvelope publish(PipelineJames james, BrokerTap tap, String sender, List<String> recipients,
                                    String rawMessage) throws Exception {
        String pipelineId = PipelineIds.next();
        ReceivedEnvelope envelope = envelope(james, pipelineId, store(james, pipelineId, rawMessage), sender, recipients);
        publishRaw(james, tap, pipelineId, CODEC.encode(envelope));
        return envelope;
    }

    /** Stores the message in James's message store, as the ingest hook would. */
    static StoredBlob store(PipelineJames james, String pipelineId, String rawMessage) throws Exception {
        return james.store().write(new StorageKey("test/" + pipelineId + ".eml"),
            out -> out.write(rawMessage.getBytes(StandardCharsets.UTF_8)));
    }

    /** The mail.received envelope of a stored message, for James's first stage. */
    static ReceivedEnvelope envelope(PipelineJames james, String pipelineId, StoredBlob blob, String sender, List<String> recipients) {
        return new ReceivedEnvelope(ReceivedEnvelope.VERSION, pipelineId, "example.test",
            ReceivedEnvelope.StorageRef.of(blob), sender, recipients, "192.0.2.10", "peer.example", null, false,
            Instant.now(), james.configuration().firstStage(), Map.of());
    }

    static void publishRaw(PipelineJames james, BrokerTap tap, String messageId, byte[] body) throws Exception {
        tap.publish(james.topology().mailEventsExchange(), ReceivedEnvelope.ROUTING_KEY,
            james.signer().sign(MessageProperties.persistentJson(messageId, Instant.now()), body), body);
    }

    static String message(String from, String to, String subject, String body) {
        return "From: " + from + "\r\nTo: " + to + "\r\nSubject: " + subject + "\r\nMessage-ID: <"
            + PipelineIds.next() + "@test.local>\r\n\r\n" + body + "\r\n";
    }
}
