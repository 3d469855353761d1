package dev.jamespipeline.core.store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import dev.jamespipeline.core.PipelineIds;

/**
 * Every key the pipeline writes under, made here so the store's layout reads in one place:
 * received messages by hour (a retention sweep can drop whole hours), stage hand-offs and
 * outbound copies by pipeline id (a repeat of the same step rewrites the same key), quarantined
 * messages by quarantine id.
 */
public final class StorageKeys {
    private static final DateTimeFormatter HOUR_DIRECTORY = DateTimeFormatter.ofPattern("yyyy-MM-dd/HH").withZone(ZoneOffset.UTC);

    private StorageKeys() {
    }

    /** A fresh key per ingest attempt, so cleaning up a failed attempt never touches another one's blob. */
    public static StorageKey received(Instant receivedAt) {
        return new StorageKey(HOUR_DIRECTORY.format(receivedAt) + "/" + PipelineIds.next() + ".eml");
    }

    /** The message as a stage handed it to {@code nextStage}. */
    public static StorageKey stageHandoff(String pipelineId, String nextStage) {
        return new StorageKey("stages/" + pipelineId + "." + nextStage + ".eml");
    }

    /** A quarantined message, kept (never released) until WebAdmin releases or deletes it. */
    public static StorageKey quarantine(String quarantineId) {
        return new StorageKey("quarantine/" + PipelineIds.requireValid(quarantineId) + ".eml");
    }

    /** The message as it leaves for remote recipients. */
    public static StorageKey outbound(String pipelineId) {
        return new StorageKey("outbound/" + pipelineId + ".eml");
    }
}
