package dev.jamespipeline.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import dev.jamespipeline.search.document.ExtractionLimits;
import dev.jamespipeline.search.document.MessageDocument;
import dev.jamespipeline.search.document.ScanFieldsReader;
import dev.jamespipeline.search.index.IndexOperation;
import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.index.OpenSearchSettings;
import dev.jamespipeline.search.index.WriteOutcome;

/**
 * The raw bulk throughput of an OpenSearch for mail documents: the ceiling the indexer works
 * under. Writes {@code DOCUMENTS} synthetic documents shaped like the index-lag run's messages
 * (same body size, the PDF's text on every {@code PDF_EVERY}-th) through the product's own
 * {@link MailIndex#write} in bulks of {@value #BULK} from {@code WRITERS} threads, into a scratch
 * index with the product's mapping, which it deletes afterwards. The documents are built before the
 * clock starts; the time ends when the last bulk is answered.
 *
 * <p>Run on the distribution's class path (pipeline-lib/ holds the search index and its client).
 * Usage: {@code RawBulkThroughput OPENSEARCH_URL DOCUMENTS BODY_SIZE PDF_EVERY WRITERS OUT_JSON}
 */
public final class RawBulkThroughput {
    /** Documents per bulk request: the indexer's default batch size. */
    static final int BULK = 100;
    /** Mailboxes the documents are spread over, as the index-lag run's default. */
    private static final int MAILBOXES = 20;
    /** What a delivered message has beside its body (its headers, and the PDF part's MIME overhead). */
    private static final int HEADER_BYTES = 600;
    /** The PDF attachment's size in the index-lag run's messages. */
    private static final int PDF_BYTES = 1200;

    public record Result(String index, long documents, int writers, int bulkSize, int bodySize, int pdfEvery, double seconds,
                         double docsPerS) {

        static Result read(Path json) throws IOException {
            return new ObjectMapper().readValue(json.toFile(), Result.class);
        }
    }

    private RawBulkThroughput() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 6) {
            System.err.println("usage: OPENSEARCH_URL DOCUMENTS BODY_SIZE PDF_EVERY WRITERS OUT_JSON");
            System.exit(2);
        }
        URI url = URI.create(args[0]);
        int documents = Integer.parseInt(args[1]);
        int bodySize = Integer.parseInt(args[2]);
        int pdfEvery = Integer.parseInt(args[3]);
        int writers = Integer.parseInt(args[4]);
        if (documents < BULK || writers < 1 || pdfEvery < 0) {
            throw new IllegalArgumentException("DOCUMENTS >= " + BULK + ", WRITERS >= 1 and PDF_EVERY >= 0 expected");
        }
        String index = "bench-raw-bulk-" + System.currentTimeMillis();
        OpenSearchHttp openSearch = new OpenSearchHttp(url);
        List<List<IndexOperation>> bulks = bulks(documents, bodySize, pdfEvery);
        try (MailIndex mailIndex = MailIndex.connect(new OpenSearchSettings(url, Optional.empty(), Optional.empty(), index,
                Duration.ofSeconds(60)))) {
            mailIndex.ensureIndex();
            System.out.printf("# raw bulk: %d documents (%d-byte bodies, the PDF text in 1 of %d) in bulks of %d from %d writers into %s%n",
                documents, bodySize, pdfEvery, BULK, writers, index);
            double seconds = writeAll(mailIndex, bulks, writers);
            mailIndex.refresh();
            long counted = openSearch.count(index, null);
            if (counted != documents) {
                throw new IllegalStateException("wrote " + documents + " documents but the index counts " + counted);
            }
            Result result = new Result(index, documents, writers, BULK, bodySize, pdfEvery, seconds, documents / seconds);
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of(args[5]).toFile(), result);
            System.out.printf("raw bulk: %d documents in %.2f s = %.0f docs/s%n", documents, seconds, result.docsPerS());
        } finally {
            openSearch.deleteIndexAndTemplates(index);
        }
    }

    /** Writes every bulk, writers taking the next one in turn; returns the seconds it took. */
    private static double writeAll(MailIndex mailIndex, List<List<IndexOperation>> bulks, int writers) throws Exception {
        AtomicInteger next = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        long start = System.nanoTime();
        try {
            List<Future<?>> running = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                running.add(pool.submit(() -> {
                    for (int b = next.getAndIncrement(); b < bulks.size(); b = next.getAndIncrement()) {
                        WriteOutcome outcome = mailIndex.write(bulks.get(b));
                        if (!outcome.isComplete()) {
                            throw new IllegalStateException("OpenSearch refused " + outcome.failures().size() + " writes, e.g. "
                                + outcome.failures().values().iterator().next());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> writer : running) {
                writer.get();
            }
            return (System.nanoTime() - start) / 1e9;
        } finally {
            pool.shutdownNow();
        }
    }

    private static List<List<IndexOperation>> bulks(int documents, int bodySize, int pdfEvery) {
        String body = SmtpAcceptLoad.body(bodySize);
        List<List<IndexOperation>> bulks = new ArrayList<>();
        for (int first = 0; first < documents; first += BULK) {
            List<IndexOperation> bulk = new ArrayList<>();
            for (int n = first; n < Math.min(documents, first + BULK); n++) {
                bulk.add(IndexOperation.upsert(document(n, body, pdfEvery > 0 && n % pdfEvery == 0)));
            }
            bulks.add(bulk);
        }
        return bulks;
    }

    /** A delivered message's document as the indexer writes it: its headers, addresses, body text and attachment. */
    private static MessageDocument document(int n, String body, boolean withPdf) {
        String to = "user" + n % MAILBOXES + "@bench.test";
        String subject = "report " + n;
        String mimeMessageId = "<mixed." + n + "@load.local>";
        Instant now = Instant.now();
        List<MessageDocument.Header> headers = List.of(
            new MessageDocument.Header("return-path", "<load@load.local>"),
            new MessageDocument.Header("received", "from load.local ([127.0.0.1]) by james with SMTP ID " + n + " for <" + to + ">; " + now),
            new MessageDocument.Header("from", "load@load.local"),
            new MessageDocument.Header("to", to),
            new MessageDocument.Header("subject", subject),
            new MessageDocument.Header("date", now.toString()),
            new MessageDocument.Header("message-id", mimeMessageId),
            new MessageDocument.Header("mime-version", "1.0"),
            new MessageDocument.Header("content-type", withPdf ? "multipart/mixed" : "text/plain; charset=US-ASCII"),
            new MessageDocument.Header("delivered-to", to));
        List<MessageDocument.Attachment> attachments = withPdf
            ? List.of(new MessageDocument.Attachment("report-" + n + ".pdf", "application/pdf", PDF_BYTES, SearchBenchMessages.PDF_TEXT,
                Optional.empty()))
            : List.of();
        return new MessageDocument(to, "raw-mailbox-" + n % MAILBOXES, n, "raw-" + n, "raw-thread-" + n, 1, List.of("\\Recent"), now,
            Optional.of(now), body.length() + (long) HEADER_BYTES, headers, List.of(new MessageDocument.Address("", "load@load.local")),
            List.of(new MessageDocument.Address("", to)), List.of(), List.of(), subject, Optional.of(mimeMessageId), body,
            attachments, scanFields(headers, body), now);
    }

    /** What James's scan sees of a message with these headers and body, as the indexer computes it. */
    private static MessageDocument.ScanFields scanFields(List<MessageDocument.Header> headers, String body) {
        StringBuilder raw = new StringBuilder();
        headers.forEach(header -> raw.append(header.name()).append(": ").append(header.value()).append("\r\n"));
        raw.append("\r\n").append(body);
        try {
            return ScanFieldsReader.read(raw.toString().getBytes(StandardCharsets.UTF_8), ExtractionLimits.DEFAULT.maxOutputChars());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
