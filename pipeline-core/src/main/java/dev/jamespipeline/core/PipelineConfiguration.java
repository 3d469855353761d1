package dev.jamespipeline.core;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.Configuration;

import dev.jamespipeline.core.envelope.EnvelopeSigner;

/**
 * Every setting of the pipeline, read once from {@code conf/pipeline.properties}.
 * The README's configuration table documents the same keys and defaults; keep them in step.
 */
public record PipelineConfiguration(
        URI amqpUri,
        String namePrefix,
        QueueType queueType,
        int deliveryLimit,
        int queueMaxLength,
        Duration publishConfirmTimeout,
        Duration networkRecoveryInterval,
        Path storeRoot,
        List<String> stages,
        int stageConcurrency,
        int stagePrefetch,
        List<Duration> retryDelays,
        List<EnvelopeSigner.SigningKey> signingKeys) {

    public enum QueueType { QUORUM, CLASSIC }

    private static final Pattern STAGE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    private static final Set<String> RESERVED_PROCESSORS = Set.of("root", "error", "transport");

    public static final String AMQP_URI = "amqp.uri";
    public static final String NAME_PREFIX = "topology.name.prefix";
    public static final String QUEUE_TYPE = "queue.type";
    public static final String DELIVERY_LIMIT = "queue.delivery.limit";
    public static final String QUEUE_MAX_LENGTH = "queue.max.length";
    public static final String CONFIRM_TIMEOUT = "publish.confirm.timeout.ms";
    public static final String RECOVERY_INTERVAL = "amqp.network.recovery.interval.ms";
    public static final String STORE_ROOT = "store.root";
    public static final String STAGES = "stages";
    public static final String STAGE_CONCURRENCY = "stage.concurrency";
    public static final String STAGE_PREFETCH = "stage.prefetch";
    public static final String RETRY_DELAYS = "stage.retry.delays.ms";
    public static final String SIGNING_KEYS = "envelope.signing.keys";

    public PipelineConfiguration {
        if (deliveryLimit < 1) {
            throw new IllegalArgumentException(DELIVERY_LIMIT + " must be at least 1, was " + deliveryLimit);
        }
        if (queueMaxLength < 0) {
            throw new IllegalArgumentException(QUEUE_MAX_LENGTH + " must be 0 (unbounded) or positive, was " + queueMaxLength);
        }
        if (stageConcurrency < 1 || stagePrefetch < 1) {
            throw new IllegalArgumentException(STAGE_CONCURRENCY + " and " + STAGE_PREFETCH + " must be at least 1");
        }
        if (stages.isEmpty()) {
            throw new IllegalArgumentException(STAGES + " must name at least one stage");
        }
        for (String stage : stages) {
            if (!STAGE_NAME.matcher(stage).matches() || RESERVED_PROCESSORS.contains(stage)) {
                throw new IllegalArgumentException("Invalid stage name '" + stage + "' in " + STAGES
                    + ": use lower-case letters, digits and '-', and none of " + RESERVED_PROCESSORS);
            }
        }
        if (retryDelays.stream().anyMatch(d -> d.isNegative() || d.isZero())) {
            throw new IllegalArgumentException(RETRY_DELAYS + " must be positive durations");
        }
        stages = List.copyOf(stages);
        retryDelays = List.copyOf(retryDelays);
    }

    public static PipelineConfiguration from(Configuration conf) {
        return new PipelineConfiguration(
            URI.create(conf.getString(AMQP_URI, "amqp://guest:guest@127.0.0.1:5672/%2F")),
            conf.getString(NAME_PREFIX, ""),
            QueueType.valueOf(conf.getString(QUEUE_TYPE, "quorum").trim().toUpperCase()),
            conf.getInt(DELIVERY_LIMIT, 5),
            conf.getInt(QUEUE_MAX_LENGTH, 100_000),
            Duration.ofMillis(conf.getLong(CONFIRM_TIMEOUT, 5_000)),
            Duration.ofMillis(conf.getLong(RECOVERY_INTERVAL, 2_000)),
            Path.of(conf.getString(STORE_ROOT, "var/pipeline-store")),
            listOf(conf, STAGES, "route"),
            conf.getInt(STAGE_CONCURRENCY, 4),
            conf.getInt(STAGE_PREFETCH, 8),
            listOf(conf, RETRY_DELAYS, "1000,10000,60000").stream()
                .map(value -> Duration.ofMillis(Long.parseLong(value)))
                .collect(Collectors.toList()),
            EnvelopeSigner.parseKeys(listOf(conf, SIGNING_KEYS, "")));
    }

    /** Works whether or not the caller's Configuration already split the value at commas (James's does). */
    private static List<String> listOf(Configuration conf, String key, String defaultValue) {
        String[] values = conf.containsKey(key) ? conf.getStringArray(key) : new String[] {defaultValue};
        return Arrays.stream(values)
            .flatMap(value -> Arrays.stream(value.split(",")))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toList());
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
