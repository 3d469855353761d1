package dev.jamespipeline.ops.backpressure;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.ops.BackpressureSettings;
import dev.jamespipeline.core.ops.QueueThresholds;
import dev.jamespipeline.ops.state.PipelineState;

/**
 * Decides, from each new pipeline sample, whether SMTP refuses, slows down or accepts. Every threshold
 * has an enter and a leave level (hysteresis): it comes into force at its enter level and stays until
 * its value is back past the leave level, so a queue hovering at one level does not make SMTP flap.
 * One log line when a threshold comes into force, one when it is left. Used by the sampler's thread only.
 */
public final class Backpressure {
    private static final Logger LOGGER = LoggerFactory.getLogger(Backpressure.class);
    static final String TEMPFAIL = "451 4.3.2";
    static final String STORAGE = "452 4.3.1";
    private static final String SLOW = "slow ";

    private final BackpressureSettings settings;
    private final Map<String, QueueThresholds> thresholds;
    /** Thresholds in force, by kind and subject; slow-down levels crossed, the same key after {@link #SLOW}. */
    private final Map<String, BackpressureStatus.Reason> active = new HashMap<>();
    private final Set<String> checked = new HashSet<>();
    private BackpressureStatus current = BackpressureStatus.NORMAL;

    /** @param thresholds each work queue's */
    public Backpressure(BackpressureSettings settings, Map<String, QueueThresholds> thresholds) {
        this.settings = settings;
        this.thresholds = Map.copyOf(thresholds);
    }

    public BackpressureStatus evaluate(List<PipelineState.QueueSample> queues, PipelineState.BrokerSample broker,
                                       PipelineState.StoreSample store, Instant now) {
        if (!settings.enabled()) {
            return BackpressureStatus.NORMAL;
        }
        List<BackpressureStatus.Reason> refusing = new ArrayList<>();
        List<BackpressureStatus.Reason> slowing = new ArrayList<>();
        for (PipelineState.QueueSample queue : queues) {
            QueueThresholds limits = thresholds.getOrDefault(queue.name(), QueueThresholds.OFF);
            String name = queue.name();
            check(new Level("depth", name, queue.exists() ? (double) queue.ready() : null, limits.depthEnter(),
                limits.depthLeave(), false, TEMPFAIL, name + " holds %s ready messages"), refusing, slowing);
            check(new Level("lag", name, queue.lagSeconds(), limits.lagEnter().toMillis() / 1000.0,
                limits.lagLeave().toMillis() / 1000.0, false, TEMPFAIL, name + "'s oldest ready message has waited %s s"),
                refusing, slowing);
            check(new Level("dlq_growth", name, queue.deadLetters().growthPerMinute(), limits.dlqGrowthEnter(),
                limits.dlqGrowthLeave(), false, TEMPFAIL, queue.deadLetters().name() + " grows by %s dead letters a minute"),
                refusing, slowing);
        }
        check(new Level("broker_blocked", "broker", broker.reachable() || broker.blocked() ? (broker.blocked() ? 1.0 : 0.0) : null,
            1, 1, false, TEMPFAIL, "RabbitMQ blocks publishes" + (broker.blockedReason() == null ? "" : " (" + broker.blockedReason().replace("%", "%%") + ")")),
            refusing, slowing);
        Boolean alarm = broker.memoryAlarm() == null || broker.diskAlarm() == null ? null : broker.memoryAlarm() || broker.diskAlarm();
        check(new Level("broker_alarm", "broker", alarm == null ? null : (alarm ? 1.0 : 0.0), 1, 1, false, TEMPFAIL,
            "RabbitMQ has a resource alarm" + (Boolean.TRUE.equals(broker.memoryAlarm()) ? " (memory)" : "")
                + (Boolean.TRUE.equals(broker.diskAlarm()) ? " (disk)" : "")), refusing, slowing);
        check(new Level("store_bytes", "store", toDouble(store.freeBytes()), settings.storeFreeBytes().enter(),
            settings.storeFreeBytes().leave(), true, STORAGE, "the message store has %s bytes free"), refusing, slowing);
        check(new Level("store_inodes", "store", toDouble(store.freeInodes()), settings.storeFreeInodes().enter(),
            settings.storeFreeInodes().leave(), true, STORAGE, "the message store has %s inodes free"), refusing, slowing);

        // A queue this sample could not read (the broker unreachable): nothing says it drained.
        active.forEach((key, reason) -> {
            if (!key.startsWith(SLOW) && !checked.contains(key)) {
                refusing.add(reason);
            }
        });
        checked.clear();
        String state = !refusing.isEmpty() ? BackpressureStatus.REFUSING_STATE
            : !slowing.isEmpty() ? BackpressureStatus.SLOWING_STATE : BackpressureStatus.NORMAL_STATE;
        List<BackpressureStatus.Reason> reasons = refusing.isEmpty() ? slowing : refusing;
        String since = state.equals(current.state()) ? current.since() : now.toString();
        current = new BackpressureStatus(state, since, reasons);
        return current;
    }

    /**
     * One level of one subject.
     *
     * @param value        null when unknown this sample: the threshold keeps its state
     * @param lowerIsWorse free space: in force below {@code enter}, left at {@code leave} or above
     * @param text         a format with one {@code %s} for the value (or none)
     */
    private record Level(String kind, String subject, Double value, double enter, double leave, boolean lowerIsWorse,
                         String reply, String text) {
        String key() {
            return kind + " " + subject;
        }

        boolean gradual() {
            return !lowerIsWorse && !(enter == 1 && leave == 1);
        }

        boolean entered() {
            return lowerIsWorse ? value < enter : value >= enter;
        }

        boolean left() {
            return lowerIsWorse ? value >= leave : value < leave;
        }

        BackpressureStatus.Reason reason() {
            String described = String.format(text, format(value));
            String hysteresis = !lowerIsWorse && !gradual() ? ""
                : lowerIsWorse ? " (enter below " + format(enter) + ", leave at " + format(leave) + ")"
                : " (enter " + format(enter) + ", leave below " + format(leave) + ")";
            return new BackpressureStatus.Reason(kind, subject, value, enter, leave, reply, described + hysteresis);
        }
    }

    private void check(Level level, List<BackpressureStatus.Reason> refusing, List<BackpressureStatus.Reason> slowing) {
        if (level.enter() <= 0) {
            return;
        }
        checked.add(level.key());
        BackpressureStatus.Reason wasActive = active.get(level.key());
        if (level.value() == null) {
            if (wasActive != null) {
                refusing.add(wasActive);
            }
            return;
        }
        if (wasActive != null ? !level.left() : level.entered()) {
            BackpressureStatus.Reason reason = level.reason();
            if (wasActive == null) {
                LOGGER.warn("Backpressure ON ({}): {}", reason.reply(), reason.text());
                // Kept as it entered, for the line that says when it is left.
                active.put(level.key(), reason);
                active.remove(SLOW + level.key());
            }
            refusing.add(reason);
            return;
        }
        if (wasActive != null) {
            active.remove(level.key());
            LOGGER.info("Backpressure OFF: {}; entered at {}", level.reason().text(), format(wasActive.value()));
        }
        // Only a level that grows gradually (a queue's) can be approached; a flag is on or off.
        Optional<Long> slowdown = level.gradual() ? settings.slowdownLevel((long) level.enter()) : Optional.empty();
        if (slowdown.isPresent() && level.value() >= slowdown.get()) {
            BackpressureStatus.Reason reason = level.reason();
            if (!active.containsKey(SLOW + level.key())) {
                LOGGER.info("Backpressure slow-down ON ({} ms per MAIL): {}", settings.slowdownDelay().toMillis(), reason.text());
            }
            active.put(SLOW + level.key(), reason);
            slowing.add(reason);
        } else if (active.remove(SLOW + level.key()) != null) {
            LOGGER.info("Backpressure slow-down OFF: {}", level.reason().text());
        }
    }

    private static Double toDouble(Long value) {
        return value == null ? null : value.doubleValue();
    }

    private static String format(double value) {
        return value == Math.rint(value) && Math.abs(value) < 1e15 ? Long.toString((long) value) : String.format("%.1f", value);
    }
}
