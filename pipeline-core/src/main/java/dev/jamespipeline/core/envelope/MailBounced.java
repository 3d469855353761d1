package dev.jamespipeline.core.envelope;

import java.time.Instant;
import java.util.List;

/**
 * The {@code mail.bounced} event, schema version 1: outbound delivery gave up on these recipients
 * of a job (a permanent failure or the maximum lifetime) and the sender was sent a DSN, the
 * pipeline message {@code noticeId} ("" when the null sender gets none).
 */
public record MailBounced(
        int version,
        String jobId,
        String pipelineId,
        String sender,
        List<Recipient> recipients,
        String noticeId,
        Instant bouncedAt) implements Versioned {

    public static final int VERSION = 1;
    public static final String ROUTING_KEY = "mail.bounced";

    /** One recipient given up on: its RFC 3463 status and the reply or reason. */
    public record Recipient(String address, String status, String diagnostic) {
    }

    public MailBounced {
        recipients = List.copyOf(recipients);
    }
}
