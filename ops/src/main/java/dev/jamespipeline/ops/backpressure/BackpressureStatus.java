package dev.jamespipeline.ops.backpressure;

import java.util.List;
import java.util.Optional;

/**
 * What SMTP does about the pipeline's state now.
 *
 * @param state   {@code normal}, {@code slowing} (MAIL replies delayed) or {@code refusing} (MAIL and RCPT tempfailed)
 * @param since   when this state began (ISO-8601), null for the first state
 * @param reasons refusing: every threshold in force, the first gives the SMTP reply; slowing: every
 *                slow-down level crossed
 */
public record BackpressureStatus(String state, String since, List<Reason> reasons) {
    public static final String NORMAL_STATE = "normal";
    public static final String SLOWING_STATE = "slowing";
    public static final String REFUSING_STATE = "refusing";
    public static final BackpressureStatus NORMAL = new BackpressureStatus(NORMAL_STATE, null, List.of());

    public BackpressureStatus {
        reasons = List.copyOf(reasons);
    }

    /** The reason SMTP is refused for, when it is. */
    public Optional<Reason> refusal() {
        return REFUSING_STATE.equals(state) ? reasons.stream().findFirst() : Optional.empty();
    }

    public boolean slowing() {
        return SLOWING_STATE.equals(state);
    }

    /**
     * One threshold in force.
     *
     * @param kind    {@code depth}, {@code lag}, {@code dlq_growth}, {@code broker_blocked}, {@code broker_alarm},
     *                {@code store_bytes} or {@code store_inodes}
     * @param subject the queue, {@code broker} or {@code store}
     * @param reply   the SMTP code and enhanced status: {@code 451 4.3.2}, or {@code 452 4.3.1} for storage
     * @param text    one line for the SMTP reply, the route and the log
     */
    public record Reason(String kind, String subject, double value, double enter, double leave, String reply, String text) {
    }
}
