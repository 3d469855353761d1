package dev.jamespipeline.core;

import java.util.UUID;
import java.util.regex.Pattern;

import dev.jamespipeline.core.store.Digests;

/** Pipeline message ids: generated at ingest, carried by every event, used as file names by the ledger. */
public final class PipelineIds {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,127}");

    private PipelineIds() {
    }

    public static String next() {
        return UUID.randomUUID().toString();
    }

    /** A stable id for a message derived from another one, so re-deriving it after a redelivery gives the same id. */
    public static String derived(String parentId, String discriminator) {
        String base = requireValid(parentId).length() > 64 ? parentId.substring(0, 64) : parentId;
        return base + "-" + Digests.sha256Hex(discriminator).substring(0, 16);
    }

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    public static String requireValid(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("invalid pipeline id '" + id + "'");
        }
        return id;
    }
}
