package dev.jamespipeline.core.state;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.jamespipeline.core.config.SettingsReader;
import dev.jamespipeline.core.runtime.QueuePolicy;

/**
 * Where the pipeline keeps its state and how long ({@code ledger.*}, {@code store.*}, {@code retention.*},
 * {@code outbox.*} keys of {@code conf/pipeline.properties}).
 *
 * @param ledgerBackend   {@code ledger.backend}: {@code file} (marker files, the memory mailbox's
 *                        listener announces deliveries) or {@code postgres} (shared by every node;
 *                        needs the PostgreSQL mailbox, whose append hook writes the ledger and the
 *                        {@code mail.delivered} outbox in the delivery's transaction)
 * @param storeBackend    {@code store.backend}: {@code file} (fsync'd files) or {@code postgres}
 *                        (bytea rows); either deletes a message a grace period after its release
 * @param storeGrace      {@code store.retention.grace.ms}: how long a released message stays (a
 *                        redelivered copy of its last step may still be reading it)
 * @param ledgerRetention {@code ledger.retention.ms}: how long ledger entries, per-mailbox claims and
 *                        withdrawal marks are kept (rows or files); more than {@code stage.max.age.ms}, since an
 *                        envelope can be redelivered until then and its repeat must find them
 * @param sweepInterval   {@code retention.sweep.interval.ms}: how often expired rows are deleted
 * @param outboxPoll      {@code outbox.poll.interval.ms}: how often the outbox relay looks without
 *                        being notified, and waits after a failure
 */
public record StateSettings(
        Backend ledgerBackend,
        Backend storeBackend,
        Duration storeGrace,
        Duration ledgerRetention,
        Duration sweepInterval,
        Duration outboxPoll) {

    public enum Backend { FILE, POSTGRES }

    public static final String LEDGER_BACKEND = "ledger.backend";
    public static final String STORE_BACKEND = "store.backend";
    public static final String STORE_GRACE = "store.retention.grace.ms";
    public static final String LEDGER_RETENTION = "ledger.retention.ms";
    public static final String SWEEP_INTERVAL = "retention.sweep.interval.ms";
    public static final String OUTBOX_POLL = "outbox.poll.interval.ms";

    /**
     * @param policies the max-age key and policy of each kind of work queue whose repeats rely on the ledger
     *                 (stages, outbound jobs): the ledger must keep its entries longer than any of them lives
     */
    public static StateSettings read(SettingsReader settings, List<Map.Entry<String, QueuePolicy>> policies) {
        StateSettings state = new StateSettings(
            settings.choice(LEDGER_BACKEND, Backend.class, Backend.FILE),
            settings.choice(STORE_BACKEND, Backend.class, Backend.FILE),
            settings.millis(STORE_GRACE, Duration.ofMinutes(10), Duration.ZERO),
            settings.millis(LEDGER_RETENTION, Duration.ofDays(7), Duration.ofSeconds(1)),
            settings.millis(SWEEP_INTERVAL, Duration.ofMinutes(1), Duration.ofSeconds(1)),
            settings.millis(OUTBOX_POLL, Duration.ofSeconds(1), Duration.ofMillis(10)));
        for (Map.Entry<String, QueuePolicy> policy : policies) {
            if (state.ledgerRetention.compareTo(policy.getValue().maxAge()) <= 0) {
                throw SettingsReader.invalid(LEDGER_RETENTION, Long.toString(state.ledgerRetention.toMillis()),
                    "more than " + policy.getKey() + " (" + policy.getValue().maxAge().toMillis() + " ms): a message can be "
                        + "redelivered until then, and its repeat must still find the ledger entries");
            }
        }
        return state;
    }

    /** Whether any of the pipeline's state is in PostgreSQL, so its outbox relay or retention sweeper has work. */
    public boolean usesPostgres() {
        return ledgerBackend == Backend.POSTGRES || storeBackend == Backend.POSTGRES;
    }
}
