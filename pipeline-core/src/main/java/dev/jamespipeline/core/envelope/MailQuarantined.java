package dev.jamespipeline.core.envelope;

import java.time.Instant;
import java.util.List;

/**
 * The {@code mail.quarantined} event, schema version 1: a security stage kept the message for these
 * recipients instead of delivering it, under {@code quarantineId} (what WebAdmin lists, releases and deletes).
 * Published once the message is durably kept; a retried stage announces the same id again.
 *
 * @param sender the SMTP envelope sender, "" for the null sender
 * @param stage  the stage that quarantined it; a release continues at the stage after it
 * @param size   the message's size in bytes, as kept
 */
public record MailQuarantined(
        int version,
        String quarantineId,
        String pipelineId,
        String sender,
        List<String> recipients,
        String reason,
        String stage,
        Instant quarantinedAt,
        long size) implements Versioned {

    public static final int VERSION = 1;
    public static final String ROUTING_KEY = "mail.quarantined";

    public MailQuarantined {
        recipients = List.copyOf(recipients);
    }
}
