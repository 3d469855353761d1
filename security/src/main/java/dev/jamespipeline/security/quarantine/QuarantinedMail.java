package dev.jamespipeline.security.quarantine;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.StoredBlob;

/**
 * One quarantined mail as kept: what the operator sees, and what a release needs.
 *
 * @param recipients  those it was quarantined for (not delivered to)
 * @param attempt     the stage attempt that kept it (a later attempt's decision replaces it)
 * @param verdicts    those of the stages so far, the quarantining one included
 * @param envelope    the envelope the quarantining stage started with
 * @param message     the message's bytes in the pipeline's store, as the stage left them
 */
public record QuarantinedMail(
        String id,
        String pipelineId,
        String reason,
        String stage,
        String sender,
        List<String> recipients,
        Instant quarantinedAt,
        int attempt,
        Map<String, String> verdicts,
        ReceivedEnvelope envelope,
        StoredBlob message) {

    public QuarantinedMail {
        recipients = List.copyOf(recipients);
        verdicts = Map.copyOf(verdicts);
    }

    public long size() {
        return message.size();
    }
}
