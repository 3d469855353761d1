package dev.jamespipeline.core.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.jamespipeline.core.config.SettingsReader;

/**
 * How one kind of work queue is consumed and how its failures are handled. Each kind has its own
 * keys under a prefix ({@code stage.}, {@code outbound.}, {@code search.indexer.}), because
 * outbound delivery needs retries over days where a stage needs seconds.
 *
 * @param retryDelays        one delay tier per entry: a failed message waits in the tier's delay queue, then is tried again
 * @param repeatDelays       after the tiers: each further retry waits one of these (picked per message and attempt,
 *                           which is the jitter), until {@code maxAge}; empty: dead-lettered once the tiers are used up
 * @param uniformDelayQueues true: one delay queue per distinct delay, whose queue TTL ({@code x-message-ttl}) sends
 *                           every message back after the same time (named by the delay, so a new schedule declares new
 *                           queues and the old ones drain); false: tier queues whose messages carry their expiration
 * @param maxAge             a message older than this (since it first entered the pipeline) is dead-lettered at its next failure instead of retried
 * @param deliveryLimit      deliveries the broker allows before it dead-letters a message that keeps killing its consumer (quorum queues)
 * @param maxLength          ready messages before the broker refuses publishes (0: unbounded)
 * @param concurrency        consumers (each on its own channel and thread) per queue
 * @param prefetch           unacked messages per consumer
 * @param oldestMessageAlarm health turns unhealthy when the queue holds a message this old or has made no progress for this long
 */
public record QueuePolicy(
        List<Duration> retryDelays,
        List<Duration> repeatDelays,
        boolean uniformDelayQueues,
        Duration maxAge,
        int deliveryLimit,
        int maxLength,
        int concurrency,
        int prefetch,
        Duration oldestMessageAlarm) {

    public static final String RETRY_DELAYS = "retry.delays.ms";
    public static final String REPEAT_DELAYS = "retry.repeat.delays.ms";
    public static final String MAX_AGE = "max.age.ms";
    public static final String DELIVERY_LIMIT = "delivery.limit";
    public static final String MAX_LENGTH = "max.length";
    public static final String CONCURRENCY = "concurrency";
    public static final String PREFETCH = "prefetch";
    public static final String OLDEST_MESSAGE_ALARM = "oldest.message.alarm.ms";

    /** A stage: seconds of retries, then a dead letter and a DSN. */
    public static final QueuePolicy STAGE_DEFAULTS = new QueuePolicy(
        List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(60)), List.of(), false,
        Duration.ofHours(1), 5, 100_000, 4, 8, Duration.ofMinutes(5));

    /**
     * Outbound delivery, close to Postfix (5 min doubling to about an hour, then RFC 1123's "every two or
     * three hours", here 2 to 4 h), for Postfix's 5 days of maximal_queue_lifetime. One SMTP transaction per
     * consumer at a time, so {@code concurrency} is the node's total of concurrent deliveries (Postfix's 100).
     */
    public static final QueuePolicy OUTBOUND_DEFAULTS = new QueuePolicy(
        List.of(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofMinutes(20), Duration.ofMinutes(40),
            Duration.ofHours(1)),
        List.of(Duration.ofHours(2), Duration.ofMinutes(150), Duration.ofHours(3), Duration.ofMinutes(210),
            Duration.ofHours(4)),
        true, Duration.ofDays(5), 5, 100_000, 100, 1, Duration.ofHours(1));

    /** Search index events: a batch of up to {@code prefetch} per bulk request, retried while OpenSearch is away. */
    public static final QueuePolicy INDEX_DEFAULTS = new QueuePolicy(
        List.of(Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(60)), List.of(), false,
        Duration.ofDays(1), 5, 100_000, 2, 200, Duration.ofMinutes(5));

    /** Whether {@code key} is one of the policy keys under {@code prefix}. */
    public static boolean isKey(String prefix, String key) {
        return key.startsWith(prefix) && KEYS.contains(key.substring(prefix.length()));
    }

    private static final Set<String> KEYS = Set.of(RETRY_DELAYS, REPEAT_DELAYS, MAX_AGE, DELIVERY_LIMIT, MAX_LENGTH, CONCURRENCY,
        PREFETCH, OLDEST_MESSAGE_ALARM);

    public QueuePolicy {
        retryDelays = List.copyOf(retryDelays);
        repeatDelays = List.copyOf(repeatDelays);
    }

    /**
     * The delay before the retry that follows failed attempt number {@code attempt} (0 for the first), or
     * empty when no tier is left. The repeat delay is picked from the message id and the attempt, not at
     * random, so the worker can say when the next attempt is due and a replayed decision picks the same queue.
     */
    public Optional<Duration> delayAfter(int attempt, String messageId) {
        if (attempt < retryDelays.size()) {
            return Optional.of(retryDelays.get(attempt));
        }
        if (repeatDelays.isEmpty()) {
            return Optional.empty();
        }
        int pick = Math.floorMod((messageId == null ? "" : messageId).hashCode() * 31 + attempt, repeatDelays.size());
        return Optional.of(repeatDelays.get(pick));
    }

    /** Every distinct delay a retry of this policy can wait, in order: one uniform-TTL queue each. */
    public List<Duration> distinctDelays() {
        return Stream.concat(retryDelays.stream(), repeatDelays.stream()).distinct().sorted().toList();
    }

    /** Reads {@code prefix + key} for every field, each defaulting to {@code defaults}'. */
    public static QueuePolicy read(SettingsReader settings, String prefix, QueuePolicy defaults) {
        List<Duration> repeatDelays = settings.millisList(prefix + REPEAT_DELAYS, joined(defaults.repeatDelays), true);
        if (!repeatDelays.isEmpty() && !defaults.uniformDelayQueues) {
            // Varying delays in one tier queue would wait behind its head: only uniform-TTL queues repeat.
            throw SettingsReader.invalid(prefix + REPEAT_DELAYS, joined(repeatDelays), "nothing: only outbound. repeats retries");
        }
        return new QueuePolicy(
            settings.millisList(prefix + RETRY_DELAYS, joined(defaults.retryDelays), true),
            repeatDelays,
            defaults.uniformDelayQueues,
            settings.millis(prefix + MAX_AGE, defaults.maxAge, Duration.ofSeconds(1)),
            settings.integer(prefix + DELIVERY_LIMIT, defaults.deliveryLimit, 1, 1_000),
            settings.integer(prefix + MAX_LENGTH, defaults.maxLength, 0, Integer.MAX_VALUE),
            settings.integer(prefix + CONCURRENCY, defaults.concurrency, 1, 256),
            settings.integer(prefix + PREFETCH, defaults.prefetch, 1, 10_000),
            settings.millis(prefix + OLDEST_MESSAGE_ALARM, defaults.oldestMessageAlarm, Duration.ofSeconds(1)));
    }

    private static String joined(List<Duration> delays) {
        return delays.stream().map(d -> Long.toString(d.toMillis())).collect(Collectors.joining(","));
    }
}
