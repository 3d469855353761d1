package dev.jamespipeline.core.ops;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.commons.configuration2.MapConfiguration;

import dev.jamespipeline.core.config.SettingsReader;

/**
 * When SMTP tempfails because the pipeline cannot keep up ({@code backpressure.*} and {@code sampler.*}
 * keys of {@code conf/pipeline.properties}; documented in the README's configuration table).
 *
 * @param sampleInterval   {@code sampler.interval.ms}: how often the pipeline state is read
 * @param rateWindow       {@code sampler.rate.window.ms}: the span over which dead-letter growth is measured
 * @param enabled          {@code backpressure.enabled}: false leaves SMTP alone (the state is still sampled)
 * @param slowdownDelay    {@code backpressure.slowdown.delay.ms}: MAIL replies are delayed this long while a
 *                         queue is past its slow-down level and not yet refused; 0 = no slow-down
 * @param slowdownPercent  {@code backpressure.slowdown.percent}: a queue threshold's slow-down level, in percent of its enter level
 * @param stageThresholds  {@code backpressure.depth.enter} and the other {@link QueueThresholds} fields: every stage queue's
 * @param queueThresholdKeys the {@code backpressure.queue.<queue>.<field>} keys and values: one queue's thresholds, by
 *                         its full name (any work queue); fields not set there come from the stage defaults for a stage
 *                         queue, else are off. Checked against the queue names by {@link #thresholdsOf}
 * @param storeFreeBytes   {@code backpressure.store.free.bytes.enter} / {@code .leave}: free bytes of the file store
 *                         below which SMTP answers 452 (enter), above which it accepts again (leave)
 * @param storeFreeInodes  {@code backpressure.store.free.inodes.enter} / {@code .leave}: the same for inodes
 */
public record BackpressureSettings(
        Duration sampleInterval,
        Duration rateWindow,
        boolean enabled,
        Duration slowdownDelay,
        int slowdownPercent,
        QueueThresholds stageThresholds,
        Map<String, String> queueThresholdKeys,
        StoreThreshold storeFreeBytes,
        StoreThreshold storeFreeInodes) {

    public static final String SAMPLE_INTERVAL = "sampler.interval.ms";
    public static final String RATE_WINDOW = "sampler.rate.window.ms";
    public static final String PREFIX = "backpressure.";
    public static final String ENABLED = PREFIX + "enabled";
    public static final String SLOWDOWN_DELAY = PREFIX + "slowdown.delay.ms";
    public static final String SLOWDOWN_PERCENT = PREFIX + "slowdown.percent";
    public static final String QUEUE_PREFIX = PREFIX + "queue.";
    public static final String STORE_FREE_BYTES = PREFIX + "store.free.bytes.";
    public static final String STORE_FREE_INODES = PREFIX + "store.free.inodes.";

    /**
     * A lower-is-worse level with hysteresis: refuse below {@code enter}, accept again at {@code leave} or more.
     * {@code enter} 0 = off.
     */
    public record StoreThreshold(long enter, long leave) {
        static StoreThreshold read(SettingsReader settings, String prefix, long enterDefault, long leaveDefault) {
            long enter = settings.longInteger(prefix + "enter", enterDefault, 0, Long.MAX_VALUE);
            long leave = settings.longInteger(prefix + "leave", Math.max(leaveDefault, enter), 0, Long.MAX_VALUE);
            if (enter > 0 && leave <= enter) {
                throw SettingsReader.invalid(prefix + "leave", Long.toString(leave), "more than " + prefix + "enter (" + enter + ")");
            }
            return new StoreThreshold(enter, leave);
        }
    }

    public BackpressureSettings {
        queueThresholdKeys = Map.copyOf(queueThresholdKeys);
    }

    public static BackpressureSettings read(SettingsReader settings) {
        // The per-queue keys are read once the queue names are known (thresholdsOf); they are marked known here.
        Map<String, String> queueKeys = new LinkedHashMap<>();
        for (String key : settings.keysUnder(QUEUE_PREFIX)) {
            queueKeys.put(key, settings.string(key, ""));
        }
        return new BackpressureSettings(
            settings.millis(SAMPLE_INTERVAL, Duration.ofSeconds(2), Duration.ofMillis(100)),
            settings.millis(RATE_WINDOW, Duration.ofMinutes(1), Duration.ofSeconds(1)),
            settings.bool(ENABLED, true),
            settings.millis(SLOWDOWN_DELAY, Duration.ZERO, Duration.ZERO),
            settings.integer(SLOWDOWN_PERCENT, 80, 1, 99),
            QueueThresholds.read(settings, PREFIX, QueueThresholds.STAGE_DEFAULTS),
            queueKeys,
            StoreThreshold.read(settings, STORE_FREE_BYTES, 1L << 30, 2L << 30),
            StoreThreshold.read(settings, STORE_FREE_INODES, 10_000, 20_000));
    }

    /**
     * The thresholds of each named work queue; fails on a {@code backpressure.queue.*} key that names
     * none of them or no field.
     *
     * @param queues every work queue, with whether it is a stage queue
     */
    public Map<String, QueueThresholds> thresholdsOf(Map<String, Boolean> queues) {
        for (String key : queueThresholdKeys.keySet()) {
            String rest = key.substring(QUEUE_PREFIX.length());
            boolean known = queues.keySet().stream().anyMatch(queue -> rest.startsWith(queue + ".")
                && isField(rest.substring(queue.length() + 1)));
            if (!known) {
                throw SettingsReader.invalid(key, queueThresholdKeys.get(key), "a key " + QUEUE_PREFIX
                    + "<queue>.<field> with <queue> one of " + queues.keySet() + " and <field> one of "
                    + String.join(", ", FIELDS));
            }
        }
        SettingsReader perQueue = new SettingsReader(new MapConfiguration(
            new LinkedHashMap<String, Object>(queueThresholdKeys)));
        Map<String, QueueThresholds> thresholds = new LinkedHashMap<>();
        queues.forEach((queue, stage) -> thresholds.put(queue,
            QueueThresholds.read(perQueue, QUEUE_PREFIX + queue + ".", stage ? stageThresholds : QueueThresholds.OFF)));
        return thresholds;
    }

    private static final List<String> FIELDS = List.of(QueueThresholds.DEPTH_ENTER, QueueThresholds.DEPTH_LEAVE,
        QueueThresholds.LAG_ENTER, QueueThresholds.LAG_LEAVE, QueueThresholds.DLQ_GROWTH_ENTER, QueueThresholds.DLQ_GROWTH_LEAVE);

    private static boolean isField(String field) {
        return FIELDS.contains(field);
    }

    /** The slow-down level of a higher-is-worse enter level; empty when slow-down is off. */
    public Optional<Long> slowdownLevel(long enter) {
        return slowdownDelay.isZero() || enter == 0 ? Optional.empty() : Optional.of(enter * slowdownPercent / 100);
    }
}
