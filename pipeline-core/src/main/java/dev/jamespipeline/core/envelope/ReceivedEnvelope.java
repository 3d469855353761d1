package dev.jamespipeline.core.envelope;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.jamespipeline.core.store.StoredBlob;

/**
 * The {@code mail.received} event and the stage hand-off payload, schema version 1.
 * A reference to the stored message, never the message itself. Documented in the README.
 *
 * @param sender      the SMTP envelope sender, "" for the null sender {@code <>}
 * @param domain      tenant: the domain of the first recipient
 * @param stage       the stage this envelope is addressed to
 * @param verdicts    results earlier stages recorded (for example "spf" → "pass")
 */
public record ReceivedEnvelope(
        int version,
        String pipelineId,
        String domain,
        StorageRef storage,
        String sender,
        List<String> recipients,
        String clientIp,
        String helo,
        String authUser,
        boolean relayAllowed,
        Instant receivedAt,
        String stage,
        Map<String, String> verdicts) implements Versioned {

    public static final int VERSION = 1;
    /** On the mail events exchange; a stage hand-off is routed by the next stage's name instead. */
    public static final String ROUTING_KEY = "mail.received";

    public record StorageRef(String key, String sha256, long size) {
        public static StorageRef of(StoredBlob blob) {
            return new StorageRef(blob.key().value(), blob.sha256(), blob.size());
        }
    }

    public ReceivedEnvelope {
        recipients = List.copyOf(recipients);
        verdicts = verdicts == null ? Map.of() : Map.copyOf(verdicts);
    }
}
