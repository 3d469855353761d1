package dev.jamespipeline.core.envelope;

import java.time.Instant;
import java.util.List;

/**
 * The {@code outbound.deliver} job, schema version 1: deliver the stored message to these remote
 * recipients. {@code jobId} is stable for a pipeline message, so a consumer can drop duplicates.
 */
public record OutboundJob(
        int version,
        String jobId,
        String pipelineId,
        ReceivedEnvelope.StorageRef storage,
        String sender,
        List<String> recipients,
        Instant createdAt) implements Versioned {

    public static final int VERSION = 1;
    public static final String ROUTING_KEY = "outbound.deliver";
    /** The same job for mail from the null sender (DSNs), routed to the system outbound queue. */
    public static final String SYSTEM_ROUTING_KEY = "outbound.deliver.system";

    public OutboundJob {
        recipients = List.copyOf(recipients);
    }
}
