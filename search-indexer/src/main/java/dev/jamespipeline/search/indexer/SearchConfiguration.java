package dev.jamespipeline.search.indexer;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

import org.apache.commons.configuration2.Configuration;

import dev.jamespipeline.core.PipelineConfiguration;
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
 * @param concurrency     channels consuming the index queue, each with its own worker thread
 * @param prefetch        unacked events per channel: the most a batch can hold
 * @param batchSize       events written in one bulk request at most
 * @param batchLinger     how long a worker waits for more events before writing a partial batch
 */
public record SearchConfiguration(
        PipelineConfiguration pipeline,
        OpenSearchSettings openSearch,
        ExtractionLimits extraction,
        int extractionThreads,
        int concurrency,
        int prefetch,
        int batchSize,
        Duration batchLinger) {

    public static final String URL = "search.opensearch.url";
    public static final String USER = "search.opensearch.user";
    public static final String PASSWORD = "search.opensearch.password";
    public static final String INDEX_NAME = "search.index.name";
    public static final String SHARDS = "search.index.shards";
    public static final String REPLICAS = "search.index.replicas";
    public static final String REQUEST_TIMEOUT = "search.request.timeout.ms";
    public static final String CONCURRENCY = "search.indexer.concurrency";
    public static final String PREFETCH = "search.indexer.prefetch";
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
        if (concurrency < 1 || prefetch < 1 || batchSize < 1) {
            throw new IllegalArgumentException(CONCURRENCY + ", " + PREFETCH + " and " + BATCH_SIZE + " must be at least 1");
        }
        if (batchLinger.isNegative()) {
            throw new IllegalArgumentException(BATCH_LINGER + " must not be negative");
        }
    }

    public static SearchConfiguration from(Configuration conf) {
        ExtractionLimits defaults = ExtractionLimits.DEFAULT;
        return new SearchConfiguration(
            PipelineConfiguration.from(conf),
            new OpenSearchSettings(
                URI.create(conf.getString(URL, OpenSearchSettings.DEFAULT_URL.toString())),
                Optional.ofNullable(conf.getString(USER, null)),
                Optional.ofNullable(conf.getString(PASSWORD, null)),
                conf.getString(INDEX_NAME, OpenSearchSettings.DEFAULT_INDEX_NAME),
                conf.getInt(SHARDS, 1),
                conf.getInt(REPLICAS, 0),
                Duration.ofMillis(conf.getLong(REQUEST_TIMEOUT, OpenSearchSettings.DEFAULT_REQUEST_TIMEOUT.toMillis()))),
            new ExtractionLimits(
                conf.getLong(MAX_INPUT_BYTES, defaults.maxInputBytes()),
                conf.getInt(MAX_CHARS, defaults.maxOutputChars()),
                Duration.ofMillis(conf.getLong(EXTRACT_TIMEOUT, defaults.timeout().toMillis())),
                conf.getInt(MAX_DEPTH, defaults.maxNestingDepth()),
                conf.getInt(MAX_ATTACHMENTS, defaults.maxAttachments()),
                conf.getInt(MAX_EMBEDDED, defaults.maxEmbeddedDocuments())),
            conf.getInt(EXTRACT_THREADS, 4),
            conf.getInt(CONCURRENCY, 2),
            conf.getInt(PREFETCH, 200),
            conf.getInt(BATCH_SIZE, 100),
            Duration.ofMillis(conf.getLong(BATCH_LINGER, 20)));
    }
}
