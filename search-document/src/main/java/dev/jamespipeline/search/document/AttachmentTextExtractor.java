package dev.jamespipeline.search.document;

import java.io.IOException;
import java.io.InputStream;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Extracts the text of one attachment with Apache Tika, within the {@link ExtractionLimits}.
 * A failure never throws: it comes back as {@link ExtractionResult#failureReason()}.
 *
 * <p>Each parse runs on one of a fixed number of extraction threads and the caller waits at most
 * {@link ExtractionLimits#timeout()}. Java cannot stop a thread, and parsers do not heed
 * interrupts, so a parse that times out is <em>abandoned</em>: it is flagged as cancelled and ends
 * at its next read of the input or its next piece of output; a parser spinning without either
 * keeps its thread until it returns. An abandoned parse keeps its slot until it really ends, so at
 * most {@code maxConcurrentParses} threads can ever be stuck, whatever a flood of hostile files
 * does; while every slot is held, callers wait one timeout for a slot and then get a reason
 * instead of a thread.
 *
 * <p>Thread-safe. {@link #close()} stops the extraction threads.
 */
public final class AttachmentTextExtractor implements AutoCloseable {

    private static final Logger LOGGER = LoggerFactory.getLogger(AttachmentTextExtractor.class);

    private final ExtractionLimits limits;
    private final int maxConcurrentParses;
    private final TikaTextParser parser;
    private final Semaphore parseSlots;
    private final ExecutorService parseThreads;

    /**
     * @param maxConcurrentParses extraction threads: parses that can run, or be stuck, at once
     */
    public AttachmentTextExtractor(ExtractionLimits limits, int maxConcurrentParses) {
        this.limits = Objects.requireNonNull(limits, "limits");
        if (maxConcurrentParses <= 0) {
            throw new IllegalArgumentException("maxConcurrentParses must be positive, was " + maxConcurrentParses);
        }
        this.maxConcurrentParses = maxConcurrentParses;
        this.parser = new TikaTextParser(limits);
        this.parseSlots = new Semaphore(maxConcurrentParses);
        // The queue never holds more than maxConcurrentParses tasks: a task is only submitted with a slot.
        this.parseThreads = Executors.newFixedThreadPool(maxConcurrentParses, extractionThreads());
    }

    public ExtractionLimits limits() {
        return limits;
    }

    /**
     * The extractor owns {@code content} from this call on and closes it when the parse ends,
     * which after a timeout can be later than this method's return: pass a stream nothing else uses.
     *
     * @param declaredContentType the part's Content-Type, parameters (charset) allowed; a hint, may be empty
     * @param fileName            the part's file name; a hint, may be empty
     */
    public ExtractionResult extract(InputStream content, String declaredContentType, String fileName) {
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(declaredContentType, "declaredContentType");
        Objects.requireNonNull(fileName, "fileName");
        long timeoutMillis = limits.timeout().toMillis();
        try {
            if (!parseSlots.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) {
                closeQuietly(content);
                LOGGER.warn("No extraction thread freed up within {} ms for '{}': {} parses still running",
                    timeoutMillis, fileName, maxConcurrentParses);
                return ExtractionResult.failed("no extraction thread free within " + timeoutMillis + " ms: "
                    + maxConcurrentParses + " parses still running");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(content);
            return ExtractionResult.failed("interrupted");
        }

        AtomicBoolean cancelled = new AtomicBoolean();
        Future<ExtractionResult> parse;
        try {
            parse = parseThreads.submit(() -> {
                try {
                    return parser.parse(content, declaredContentType, fileName, cancelled);
                } finally {
                    parseSlots.release();
                }
            });
        } catch (RejectedExecutionException e) {
            parseSlots.release();
            closeQuietly(content);
            return ExtractionResult.failed("extractor closed");
        }

        try {
            return parse.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            // Not Future.cancel: a task cancelled before it starts would never release its slot.
            cancelled.set(true);
            LOGGER.warn("Text extraction of '{}' ({}) timed out after {} ms; its parse is abandoned",
                fileName, declaredContentType, timeoutMillis);
            return ExtractionResult.failed("timed out after " + timeoutMillis + " ms");
        } catch (InterruptedException e) {
            cancelled.set(true);
            Thread.currentThread().interrupt();
            return ExtractionResult.failed("interrupted");
        } catch (ExecutionException e) {
            // An Error from a parser (StackOverflowError on deep structures, OutOfMemoryError): the
            // parse is over and its memory released; the content is what we could not read.
            LOGGER.warn("Text extraction of '{}' ({}) failed", fileName, declaredContentType, e.getCause());
            return ExtractionResult.failed("parser error: " + e.getCause());
        }
    }

    @Override
    public void close() {
        parseThreads.shutdownNow();
    }

    private static void closeQuietly(InputStream content) {
        try {
            content.close();
        } catch (IOException e) {
            LOGGER.debug("Closing an attachment's content failed", e);
        }
    }

    private static ThreadFactory extractionThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "attachment-text-extraction-" + count.incrementAndGet());
            // An abandoned parse must never keep the JVM from exiting.
            thread.setDaemon(true);
            return thread;
        };
    }
}
