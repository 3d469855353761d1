package dev.jamespipeline.core.ops;

import java.time.Duration;

import dev.jamespipeline.core.config.SettingsReader;

/**
 * When one work queue holds SMTP back: each pair is an enter level (refuse from there) and a lower
 * leave level (accept again below it), so that a queue hovering at one level does not flap.
 * An enter level of 0 switches that threshold off.
 *
 * @param depthEnter     ready messages from which SMTP is refused ({@code depth.enter})
 * @param depthLeave     ready messages below which it accepts again ({@code depth.leave})
 * @param lagEnter       age of the oldest ready message from which SMTP is refused ({@code lag.enter.ms})
 * @param lagLeave       age below which it accepts again ({@code lag.leave.ms})
 * @param dlqGrowthEnter dead letters per minute from which SMTP is refused ({@code dlq.growth.enter})
 * @param dlqGrowthLeave dead letters per minute below which it accepts again ({@code dlq.growth.leave})
 */
public record QueueThresholds(long depthEnter, long depthLeave, Duration lagEnter, Duration lagLeave,
                              long dlqGrowthEnter, long dlqGrowthLeave) {

    public static final String DEPTH_ENTER = "depth.enter";
    public static final String DEPTH_LEAVE = "depth.leave";
    public static final String LAG_ENTER = "lag.enter.ms";
    public static final String LAG_LEAVE = "lag.leave.ms";
    public static final String DLQ_GROWTH_ENTER = "dlq.growth.enter";
    public static final String DLQ_GROWTH_LEAVE = "dlq.growth.leave";

    /** Stage queues: SMTP's own backlog. */
    public static final QueueThresholds STAGE_DEFAULTS = new QueueThresholds(20_000, 10_000,
        Duration.ofMinutes(5), Duration.ofMinutes(1), 100, 10);

    /** Outbound and index queues hold nothing SMTP waits for (the outbound queue has no consumer yet): off. */
    public static final QueueThresholds OFF = new QueueThresholds(0, 0, Duration.ZERO, Duration.ZERO, 0, 0);

    /** Reads {@code prefix + field} for each field, defaulting to {@code defaults}'; each leave level must be below its enter level. */
    public static QueueThresholds read(SettingsReader settings, String prefix, QueueThresholds defaults) {
        long depthEnter = settings.longInteger(prefix + DEPTH_ENTER, defaults.depthEnter, 0, Long.MAX_VALUE);
        long depthLeave = settings.longInteger(prefix + DEPTH_LEAVE, Math.min(defaults.depthLeave, depthEnter), 0, Long.MAX_VALUE);
        Duration lagEnter = settings.millis(prefix + LAG_ENTER, defaults.lagEnter, Duration.ZERO);
        Duration lagLeave = settings.millis(prefix + LAG_LEAVE, min(defaults.lagLeave, lagEnter), Duration.ZERO);
        long dlqEnter = settings.longInteger(prefix + DLQ_GROWTH_ENTER, defaults.dlqGrowthEnter, 0, Long.MAX_VALUE);
        long dlqLeave = settings.longInteger(prefix + DLQ_GROWTH_LEAVE, Math.min(defaults.dlqGrowthLeave, dlqEnter), 0, Long.MAX_VALUE);
        requireBelow(prefix + DEPTH_LEAVE, depthLeave, prefix + DEPTH_ENTER, depthEnter);
        requireBelow(prefix + LAG_LEAVE, lagLeave.toMillis(), prefix + LAG_ENTER, lagEnter.toMillis());
        requireBelow(prefix + DLQ_GROWTH_LEAVE, dlqLeave, prefix + DLQ_GROWTH_ENTER, dlqEnter);
        return new QueueThresholds(depthEnter, depthLeave, lagEnter, lagLeave, dlqEnter, dlqLeave);
    }

    /** A leave level at or above its enter level would never let the threshold be left (or flap); 0 = off needs no leave. */
    private static void requireBelow(String leaveKey, long leave, String enterKey, long enter) {
        if (enter > 0 && leave >= enter) {
            throw SettingsReader.invalid(leaveKey, Long.toString(leave), "less than " + enterKey + " (" + enter + ")");
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
