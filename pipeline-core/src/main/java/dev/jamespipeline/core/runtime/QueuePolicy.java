package dev.jamespipeline.core.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import dev.jamespipeline.core.config.SettingsReader;

/**
 * How one kind of work queue is consumed and how its failures are handled. Each kind has its own
 * keys under a prefix ({@code stage.}, {@code outbound.}, {@code search.indexer.}), because
 * outbound delivery needs retries over days where a stage needs seconds.
 *
 * @param retryDelays        one delay tier per entry: a failed message waits in the tier's delay queue, then is tried again
 * @param maxAge             a message older than this (since it first entered the pipeline) is dead-lettered at its next failure instead of retried
 * @param deliveryLimit      deliveries the broker allows before it dead-letters a message that keeps killing its consumer (quorum queues)
 * @param maxLength          ready messages before the broker refuses publishes (0: unbounded)
 * @param concurrency        consumers (each on its own channel and thread) per queue
 * @param prefetch           unacked messages per consumer
 * @param oldestMessageAlarm health turns unhealthy when the queue holds a message this old or has made no progress for this long
 */
public record QueuePolicy(
        List<Duration> retryDelays,
        Duration maxAge,
        int deliveryLimit,
        int maxLength,
        int concurrency,
        int prefetch,
        Duration oldestMessageAlarm) {

    public static final String RETRY_DELAYS = "retry.delays.ms";
    public static final String MAX_AGE = "max.age.ms";
    public static final String DELIVERY_LIMIT = "delivery.limit";
    public static final String MAX_LENGTH = "max.length";
    public static final String CONCURRENCY = "concurrency";
    public static final String PREFETCH = "prefetch";
    public static final String OLDEST_MESSAGE_ALARM = "oldest.message.alarm.ms";

    /** A stage: seconds of retries, then a dead letter and a DSN. */
    public static final QueuePolicy STAGE_DEFAULTS = new QueuePolicy(
        List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(60)),
        Duration.ofHours(1), 5, 100_000, 4, 8, Duration.ofMinutes(5));

    /** Outbound delivery: retries over days, as Postfix's 5 days of maximal_queue_lifetime. */
    public static final QueuePolicy OUTBOUND_DEFAULTS = new QueuePolicy(
        List.of(Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2), Duration.ofHours(8)),
        Duration.ofDays(5), 5, 100_000, 4, 8, Duration.ofHours(1));

    /** Search index events: a batch of up to {@code prefetch} per bulk request, retried while OpenSearch is away. */
    public static final QueuePolicy INDEX_DEFAULTS = new QueuePolicy(
        List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(60)),
        Duration.ofDays(1), 5, 100_000, 2, 200, Duration.ofMinutes(5));

    /** Whether {@code key} is one of the policy keys under {@code prefix}. */
    public static boolean isKey(String prefix, String key) {
        return key.startsWith(prefix) && KEYS.contains(key.substring(prefix.length()));
    }

    private static final Set<String> KEYS = Set.of(RETRY_DELAYS, MAX_AGE, DELIVERY_LIMIT, MAX_LENGTH, CONCURRENCY,
        PREFETCH, OLDEST_MESSAGE_ALARM);

    public QueuePolicy {
        retryDelays = List.copyOf(retryDelays);
    }

    /** Reads {@code prefix + key} for every field, each defaulting to {@code defaults}'. */
    public static QueuePolicy read(SettingsReader settings, String prefix, QueuePolicy defaults) {
        String delays = defaults.retryDelays.stream().map(d -> Long.toString(d.toMillis())).collect(Collectors.joining(","));
        return new QueuePolicy(
            settings.millisList(prefix + RETRY_DELAYS, delays, true),
            settings.millis(prefix + MAX_AGE, defaults.maxAge, Duration.ofSeconds(1)),
            settings.integer(prefix + DELIVERY_LIMIT, defaults.deliveryLimit, 1, 1_000),
            settings.integer(prefix + MAX_LENGTH, defaults.maxLength, 0, Integer.MAX_VALUE),
            settings.integer(prefix + CONCURRENCY, defaults.concurrency, 1, 256),
            settings.integer(prefix + PREFETCH, defaults.prefetch, 1, 10_000),
            settings.millis(prefix + OLDEST_MESSAGE_ALARM, defaults.oldestMessageAlarm, Duration.ofSeconds(1)));
    }
}
