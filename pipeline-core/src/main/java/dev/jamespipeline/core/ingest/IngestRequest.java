package dev.jamespipeline.core.ingest;

import java.util.List;
import java.util.Optional;

import dev.jamespipeline.core.store.BodyWriter;

/**
 * A message James has received and the pipeline is asked to take over.
 *
 * @param pipelineId a stable id when the message is derived from a pipeline message (so a retry
 *                   re-derives the same id), empty for new mail
 */
public record IngestRequest(
        Optional<String> pipelineId,
        String sender,
        List<String> recipients,
        String clientIp,
        String helo,
        String authUser,
        boolean relayAllowed,
        BodyWriter body) {

    public IngestRequest {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("a message needs at least one recipient");
        }
        recipients = List.copyOf(recipients);
    }
}
