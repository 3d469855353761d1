package dev.jamespipeline.core.config;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.Configuration;

/**
 * Reads typed values from {@code conf/pipeline.properties}. Every error is one line that names
 * the key, the value found and what is accepted, so an operator can fix it without reading code.
 * It remembers which keys were asked for, so {@link #requireNoUnknownKeys} can report typos.
 */
public final class SettingsReader {
    /** Keys that were renamed: an operator who still sets the old one is told the new one. */
    private static final Map<String, String> RENAMED = Map.of(
        "queue.delivery.limit", "stage.delivery.limit (and outbound.delivery.limit, search.indexer.delivery.limit)",
        "queue.max.length", "stage.max.length (and outbound.max.length, search.indexer.max.length)");

    private final Configuration conf;
    private final Set<String> known = new TreeSet<>();

    public SettingsReader(Configuration conf) {
        this.conf = conf;
    }

    public String string(String key, String defaultValue) {
        known.add(key);
        if (!conf.containsKey(key)) {
            return defaultValue;
        }
        // James's configuration splits values at commas; a plain string setting is rejoined.
        return String.join(",", conf.getStringArray(key)).trim();
    }

    /** {@code true} or {@code false}. */
    public boolean bool(String key, boolean defaultValue) {
        String raw = string(key, null);
        if (raw == null) {
            return defaultValue;
        }
        return switch (raw.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw invalid(key, raw, "true or false");
        };
    }

    /** The keys set in the file that start with {@code prefix}, for settings keyed by a name (a queue's). */
    public List<String> keysUnder(String prefix) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> all = conf.getKeys(); all.hasNext(); ) {
            String key = all.next();
            if (key.startsWith(prefix)) {
                keys.add(key);
            }
        }
        return keys;
    }

    public int integer(String key, int defaultValue, int min, int max) {
        return (int) longInteger(key, defaultValue, min, max);
    }

    public long longInteger(String key, long defaultValue, long min, long max) {
        String raw = string(key, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            long value = Long.parseLong(raw);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below, with the accepted range
        }
        throw invalid(key, raw, "a whole number from " + min + " to " + max);
    }

    /** A duration written in milliseconds, as every {@code *.ms} key is. */
    public Duration millis(String key, Duration defaultValue, Duration min) {
        String raw = string(key, null);
        if (raw == null) {
            return defaultValue;
        }
        Duration value = parseMillis(key, raw);
        if (value.compareTo(min) < 0) {
            throw invalid(key, raw, "at least " + min.toMillis() + " ms");
        }
        return value;
    }

    /** A comma-separated list of millisecond durations, each positive; may be empty when {@code allowEmpty}. */
    public List<Duration> millisList(String key, String defaultValue, boolean allowEmpty) {
        List<Duration> delays = new ArrayList<>();
        for (String item : list(key, defaultValue)) {
            Duration delay = parseMillis(key, item);
            if (delay.isZero() || delay.isNegative()) {
                throw invalid(key, item, "positive durations in milliseconds, separated by commas");
            }
            delays.add(delay);
        }
        if (delays.isEmpty() && !allowEmpty) {
            throw invalid(key, "", "at least one duration in milliseconds");
        }
        return delays;
    }

    public List<String> list(String key, String defaultValue) {
        String raw = string(key, defaultValue);
        return Arrays.stream(raw.split(","))
            .map(String::trim)
            .filter(item -> !item.isEmpty())
            .collect(Collectors.toList());
    }

    public <E extends Enum<E>> E choice(String key, Class<E> type, E defaultValue) {
        String raw = string(key, null);
        if (raw == null) {
            return defaultValue;
        }
        try {
            return Enum.valueOf(type, raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String accepted = Arrays.stream(type.getEnumConstants())
                .map(constant -> constant.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(" or "));
            throw invalid(key, raw, accepted);
        }
    }

    public URI uri(String key, String defaultValue) {
        return parseUri(key, string(key, defaultValue));
    }

    /** An http or https URL with a host, or empty when the key is unset or blank (the feature is off). */
    public Optional<URI> optionalHttpUri(String key) {
        String raw = string(key, "");
        if (raw.isEmpty()) {
            return Optional.empty();
        }
        URI uri = parseUri(key, raw);
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw invalid(key, raw, "an http:// or https:// URL with a host (for example http://127.0.0.1:15672), or nothing");
        }
        return Optional.of(uri);
    }

    private static URI parseUri(String key, String raw) {
        try {
            return URI.create(raw);
        } catch (IllegalArgumentException e) {
            throw invalid(key, raw, "a URI (" + e.getMessage() + ")");
        }
    }

    /**
     * Fails when the file sets a key no reader asked for (a typo, or a key of another version).
     *
     * @param owned the keys this reader's component owns; others in the same file are another component's
     */
    public void requireNoUnknownKeys(Predicate<String> owned) {
        List<String> unknown = new ArrayList<>();
        for (Iterator<String> keys = conf.getKeys(); keys.hasNext(); ) {
            String key = keys.next();
            if (known.contains(key) || !owned.test(key)) {
                continue;
            }
            String renamed = RENAMED.get(key);
            unknown.add(renamed != null ? key + " (renamed: use " + renamed + ")" : key);
        }
        if (!unknown.isEmpty()) {
            throw new InvalidSettingException("pipeline.properties: unknown key(s) " + String.join(", ", unknown)
                + "; known keys: " + String.join(", ", known));
        }
    }

    private static Duration parseMillis(String key, String raw) {
        try {
            return Duration.ofMillis(Long.parseLong(raw.trim()));
        } catch (NumberFormatException e) {
            throw invalid(key, raw, "a duration in milliseconds (digits only)");
        }
    }

    public static InvalidSettingException invalid(String key, String raw, String accepted) {
        return new InvalidSettingException("pipeline.properties: " + key + "='" + raw + "' is invalid: expected " + accepted);
    }
}
