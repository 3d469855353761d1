package dev.jamespipeline.core.store;

import java.util.regex.Pattern;

/**
 * A message store key. Keys come from envelopes, which come from the network, so a key is
 * validated before it names a file: relative, '/'-separated segments of safe characters, no
 * segment starting with '.', which rules out "..", hidden files and the store's temp files.
 */
public record StorageKey(String value) {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,199}");
    private static final int MAX_LENGTH = 512;

    public StorageKey {
        if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
            throw new InvalidStorageKeyException("storage key must have 1 to " + MAX_LENGTH + " characters");
        }
        for (String segment : value.split("/", -1)) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new InvalidStorageKeyException("storage key '" + abbreviate(value) + "' has an invalid segment");
            }
        }
    }

    private static String abbreviate(String value) {
        return value.length() > 80 ? value.substring(0, 80) + "..." : value;
    }

    @Override
    public String toString() {
        return value;
    }
}
