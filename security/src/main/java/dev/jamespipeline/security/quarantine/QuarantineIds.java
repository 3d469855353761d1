package dev.jamespipeline.security.quarantine;

import dev.jamespipeline.core.PipelineIds;

/**
 * Quarantine ids and the ids of released mail, derived, never random: a retried stage finds the copy it kept
 * before, and a repeated release publishes the same pipeline id, which the stage ledger runs once.
 */
public final class QuarantineIds {
    private QuarantineIds() {
    }

    /** The id of what {@code stage} quarantined of {@code pipelineId} for {@code reason}. */
    public static String of(String pipelineId, String stage, String reason) {
        return PipelineIds.derived(pipelineId, "quarantine:" + stage + ":" + reason);
    }

    /** The pipeline id a release of {@code quarantineId} continues under. */
    public static String released(String pipelineId, String quarantineId) {
        return PipelineIds.derived(pipelineId, "release:" + quarantineId);
    }

    /** Whether {@code id} can be a quarantine id (what WebAdmin accepts before looking it up). */
    public static boolean isWellFormed(String id) {
        return PipelineIds.isValid(id);
    }
}
