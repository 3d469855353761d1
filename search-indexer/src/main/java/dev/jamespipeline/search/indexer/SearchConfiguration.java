package dev.jamespipeline.search.indexer;

import java.time.Duration;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.config.SettingsReader;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.search.document.ExtractionLimits;
import dev.jamespipeline.search.index.OpenSearchSettings;

/**
 * The search settings ({@code search.*} keys of {@code conf/pipeline.properties}), read once.
 * The README's configuration table documents the same keys and defaults; keep them in step.
 *
 * @param pipeline        the broker settings the indexer shares with the rest of the pipeline
 * @param openSearch      where the index lives
 * @param extraction      limits on attachment text extraction
 * @param extractionThreads attachment parses that may run, or hang, at once
 * @param batchSize       events written in one bulk request at most
 * @param batchLinger     how long a worker waits for more events before writing a partial batch
 */
public record SearchConfiguration(
        PipelineConfiguration pipeline,
        OpenSearchSettings openSearch,
        ExtractionLimits extraction,
        int extractionThreads,
        int batchSize,
        Duration batchLinger) {

    public static final String URL = "search.opensearch.url";
    public static final String USER = "search.opensearch.user";
    public static final String PASSWORD = "search.opensearch.password";
    public static final String INDEX_NAME = "search.index.name";
    public static final String SHARDS = "search.index.shards";
    public static final String REPLICAS = "search.index.replicas";
    public static final String REQUEST_TIMEOUT = "search.request.timeout.ms";
    public static final String BATCH_SIZE = "search.indexer.batch.size";
    public static final String BATCH_LINGER = "search.indexer.batch.linger.ms";
    public static final String MAX_INPUT_BYTES = "search.extract.max.input.bytes";
    public static final String MAX_CHARS = "search.extract.max.chars";
    public static final String EXTRACT_TIMEOUT = "search.extract.timeout.ms";
    public static final String MAX_DEPTH = "search.extract.max.depth";
    public static final String MAX_ATTACHMENTS = "search.extract.max.attachments";
    public static final String MAX_EMBEDDED = "search.extract.max.embedded.documents";
    public static final String EXTRACT_THREADS = "search.extract.threads";

    public SearchConfiguration {
        if (extractionThreads < 1) {
            throw new IllegalArgumentException(EXTRACT_THREADS + " must be at least 1");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(BATCH_SIZE + " must be at least 1");
        }
        if (batchLinger.isNegative()) {
            throw new IllegalArgumentException(BATCH_LINGER + " must not be negative");
        }
    }

    public static SearchConfiguration from(Configuration conf) {
        ExtractionLimits defaults = ExtractionLimits.DEFAULT;
        SettingsReader settings = new SettingsReader(conf);
        SearchConfiguration configuration = new SearchConfiguration(
            PipelineConfiguration.from(conf),
            new OpenSearchSettings(
                settings.uri(URL, OpenSearchSettings.DEFAULT_URL.toString()),
                Optional.ofNullable(settings.string(USER, null)),
                Optional.ofNullable(settings.string(PASSWORD, null)),
                settings.string(INDEX_NAME, OpenSearchSettings.DEFAULT_INDEX_NAME),
                settings.integer(SHARDS, 1, 1, 1024),
                settings.integer(REPLICAS, 0, 0, 16),
                settings.millis(REQUEST_TIMEOUT, OpenSearchSettings.DEFAULT_REQUEST_TIMEOUT, Duration.ofMillis(100))),
            new ExtractionLimits(
                settings.longInteger(MAX_INPUT_BYTES, defaults.maxInputBytes(), 1, Long.MAX_VALUE),
                settings.integer(MAX_CHARS, defaults.maxOutputChars(), 1, Integer.MAX_VALUE),
                settings.millis(EXTRACT_TIMEOUT, defaults.timeout(), Duration.ofMillis(1)),
                settings.integer(MAX_DEPTH, defaults.maxNestingDepth(), 0, 100),
                settings.integer(MAX_ATTACHMENTS, defaults.maxAttachments(), 0, 100_000),
                settings.integer(MAX_EMBEDDED, defaults.maxEmbeddedDocuments(), 0, 1_000_000)),
            settings.integer(EXTRACT_THREADS, 4, 1, 256),
            settings.integer(BATCH_SIZE, 100, 1, 10_000),
            settings.millis(BATCH_LINGER, Duration.ofMillis(20), Duration.ZERO));
        // The index queue's policy keys (search.indexer.concurrency, ...) are read by PipelineConfiguration.
        settings.requireNoUnknownKeys(key -> key.startsWith(PipelineConfiguration.SEARCH_KEYS)
            && !QueuePolicy.isKey(PipelineConfiguration.INDEX_POLICY, key));
        return configuration;
    }
}
