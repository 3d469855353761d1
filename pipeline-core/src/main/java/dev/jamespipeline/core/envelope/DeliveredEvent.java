package dev.jamespipeline.core.envelope;

import java.time.Instant;

/**
 * The {@code mail.delivered} event, schema version 1: one message landed in one mailbox.
 * {@code pipelineId} is null for messages that did not come through the pipeline (IMAP APPEND, JMAP).
 */
public record DeliveredEvent(
        int version,
        String user,
        String mailbox,
        String mailboxId,
        String messageId,
        long uid,
        long size,
        String pipelineId,
        Instant deliveredAt) implements Versioned {

    public static final int VERSION = 1;
    public static final String ROUTING_KEY = "mail.delivered";
}
