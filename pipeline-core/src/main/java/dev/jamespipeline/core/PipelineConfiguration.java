package dev.jamespipeline.core;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.commons.configuration2.Configuration;

import dev.jamespipeline.core.config.SettingsReader;
import dev.jamespipeline.core.ops.BackpressureSettings;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.state.StateSettings;
import dev.jamespipeline.core.envelope.EnvelopeSigner;

/**
 * Every setting of the pipeline, read once from {@code conf/pipeline.properties} and validated:
 * a wrong value or an unknown key stops James with one line naming the key. The README's
 * configuration table documents the same keys and defaults; keep them in step.
 *
 * @param stagePolicy    how the stage queues are consumed and retried ({@code stage.*} keys)
 * @param outboundPolicy how the outbound queue is consumed and retried ({@code outbound.*} keys)
 * @param indexPolicy    how the search index queue is consumed and retried ({@code search.indexer.*} keys), where the indexer runs
 * @param signingKeys    keys that sign and verify pipeline messages ({@code envelope.signing.keys}); the first signs
 * @param managementUri  RabbitMQ's management HTTP API ({@code amqp.management.uri}); when present, queue limits are
 *                       policies set through it (changeable), otherwise x-arguments (fixed for the queue's life)
 * @param state          where the ledger and the message store live, and how long what they keep is kept
 * @param backpressure   how the pipeline state is sampled and when SMTP tempfails because of it
 */
public record PipelineConfiguration(
        URI amqpUri,
        String namePrefix,
        QueueType queueType,
        Duration publishConfirmTimeout,
        Duration networkRecoveryInterval,
        Path storeRoot,
        List<String> stages,
        QueuePolicy stagePolicy,
        QueuePolicy outboundPolicy,
        QueuePolicy indexPolicy,
        List<EnvelopeSigner.SigningKey> signingKeys,
        Optional<URI> managementUri,
        StateSettings state,
        BackpressureSettings backpressure) {

    public enum QueueType { QUORUM, CLASSIC }

    private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Set<String> RESERVED_PROCESSORS = Set.of("root", "error", "transport");

    public static final String AMQP_URI = "amqp.uri";
    public static final String NAME_PREFIX = "topology.name.prefix";
    public static final String QUEUE_TYPE = "queue.type";
    public static final String CONFIRM_TIMEOUT = "publish.confirm.timeout.ms";
    public static final String RECOVERY_INTERVAL = "amqp.network.recovery.interval.ms";
    public static final String STORE_ROOT = "store.root";
    public static final String STAGES = "stages";
    /** Prefixes of the per-queue policy keys, for example {@code stage.retry.delays.ms}. */
    public static final String STAGE_POLICY = "stage.";
    /** Also the prefix of the outbound worker's own keys, which its settings check (the policy keys are read here). */
    public static final String OUTBOUND_POLICY = "outbound.";
    public static final String INDEX_POLICY = "search.indexer.";
    /** Keys the search settings own in the same file (but for the index queue's policy, read here). */
    public static final String SEARCH_KEYS = "search.";
    /** Keys the security stages own in the same file (authentication, spam, virus, quarantine settings). */
    public static final String SECURITY_KEYS = "security.";
    /** Keys the server main owns in the same file (the mailbox event bus). */
    public static final String MAILBOX_KEYS = "mailbox.";
    /** Keys remote delivery's TLS policy and DKIM signing own in the same file ({@code OutboundSecuritySettings}). */
    public static final List<String> OUTBOUND_SECURITY_KEYS = List.of("outbound.tls.", "outbound.dkim.");
    public static final String SIGNING_KEYS = "envelope.signing.keys";
    public static final String MANAGEMENT_URI = "amqp.management.uri";

    public PipelineConfiguration {
        if (stages.isEmpty()) {
            throw SettingsReader.invalid(STAGES, "", "at least one stage name");
        }
        for (String stage : stages) {
            if (!STAGE_NAME.matcher(stage).matches() || RESERVED_PROCESSORS.contains(stage)) {
                throw SettingsReader.invalid(STAGES, stage,
                    "lower-case letters, digits and '-', and none of " + RESERVED_PROCESSORS);
            }
        }
        stages = List.copyOf(stages);
    }

    public static PipelineConfiguration from(Configuration conf) {
        SettingsReader settings = new SettingsReader(conf);
        QueuePolicy stagePolicy = QueuePolicy.read(settings, STAGE_POLICY, QueuePolicy.STAGE_DEFAULTS);
        QueuePolicy outboundPolicy = QueuePolicy.read(settings, OUTBOUND_POLICY, QueuePolicy.OUTBOUND_DEFAULTS);
        PipelineConfiguration configuration = new PipelineConfiguration(
            settings.uri(AMQP_URI, "amqp://james-pipeline@127.0.0.1:5672/james-pipeline"),
            settings.string(NAME_PREFIX, ""),
            settings.choice(QUEUE_TYPE, QueueType.class, QueueType.QUORUM),
            settings.millis(CONFIRM_TIMEOUT, Duration.ofSeconds(5), Duration.ofMillis(100)),
            settings.millis(RECOVERY_INTERVAL, Duration.ofSeconds(2), Duration.ofMillis(100)),
            Path.of(settings.string(STORE_ROOT, "var/pipeline-store")),
            settings.list(STAGES, "route"),
            stagePolicy,
            outboundPolicy,
            QueuePolicy.read(settings, INDEX_POLICY, QueuePolicy.INDEX_DEFAULTS),
            EnvelopeSigner.parseKeys(settings.list(SIGNING_KEYS, "")),
            settings.optionalHttpUri(MANAGEMENT_URI),
            StateSettings.read(settings, List.of(Map.entry(STAGE_POLICY + QueuePolicy.MAX_AGE, stagePolicy),
                Map.entry(OUTBOUND_POLICY + QueuePolicy.MAX_AGE, outboundPolicy))),
            BackpressureSettings.read(settings));
        // Outbound keys beyond its queue policy belong to the outbound worker's and the outbound security settings.
        settings.requireNoUnknownKeys(key -> !key.startsWith(SEARCH_KEYS) && !key.startsWith(MAILBOX_KEYS)
            && !key.startsWith(SECURITY_KEYS)
            && !(key.startsWith(OUTBOUND_POLICY) && !QueuePolicy.isKey(OUTBOUND_POLICY, key)));
        return configuration;
    }

    public String firstStage() {
        return stages.get(0);
    }

    /** The stage after {@code stage}, or null when {@code stage} is the last one. */
    public String stageAfter(String stage) {
        int index = stages.indexOf(stage);
        if (index < 0) {
            throw new IllegalArgumentException("Unknown stage " + stage);
        }
        return index + 1 < stages.size() ? stages.get(index + 1) : null;
    }
}
