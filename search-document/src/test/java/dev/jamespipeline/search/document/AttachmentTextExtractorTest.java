package dev.jamespipeline.search.document;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.testing.TestFiles;

class AttachmentTextExtractorTest {

    private static AttachmentTextExtractor extractor;

    @BeforeAll
    static void startExtractor() {
        extractor = new AttachmentTextExtractor(ExtractionLimits.DEFAULT, 2);
    }

    @AfterAll
    static void stopExtractor() {
        extractor.close();
    }

    private static ExtractionResult extract(AttachmentTextExtractor extractor, byte[] content, String type, String fileName) {
        return extractor.extract(new ByteArrayInputStream(content), type, fileName);
    }

    @Test
    void pdfTextIsExtracted() {
        ExtractionResult result = extract(extractor, TestFiles.pdf("Quarterly zanzibarite figures"), "application/pdf", "report.pdf");

        assertThat(result.failureReason()).isEmpty();
        assertThat(result.truncation()).isEmpty();
        assertThat(result.text()).contains("zanzibarite");
    }

    @Test
    void docxTextIsExtracted() {
        ExtractionResult result = extract(extractor, TestFiles.docx("Minutes mentioning quokkamander twice"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "minutes.docx");

        assertThat(result.failureReason()).isEmpty();
        assertThat(result.text()).contains("quokkamander");
    }

    @Test
    void theTypeIsDetectedWhenTheDeclaredOneIsUseless() {
        ExtractionResult result = extract(extractor, TestFiles.pdf("octetstream plumbagoid"), "application/octet-stream", "");

        assertThat(result.text()).contains("plumbagoid");
    }

    @Test
    void theDeclaredCharsetDecodesATextAttachment() {
        byte[] latin1 = "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e".getBytes(StandardCharsets.ISO_8859_1);

        ExtractionResult result = extract(extractor, latin1, "text/plain; charset=ISO-8859-1", "menu.txt");

        assertThat(result.text()).contains("Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e");
    }

    @Test
    void aZipBombIsStoppedWithAReason() {
        byte[] bomb = TestFiles.zipBomb(400L * 1024 * 1024);

        ExtractionResult result = extract(extractor, bomb, "application/zip", "bomb.zip");

        assertThat(bomb.length).isLessThan(4 * 1024 * 1024);
        assertThat(result.failureReason()).hasValueSatisfying(reason -> assertThat(reason).startsWith("suspected zip bomb"));
        assertThat(result.text()).isEmpty();
    }

    @Test
    void archivesNestedWithinTheLimitAreRead() {
        ExtractionResult result = extract(extractor, TestFiles.nestedZips(3, "matryoshkite"), "application/zip", "nested.zip");

        assertThat(result.failureReason()).isEmpty();
        assertThat(result.text()).contains("matryoshkite");
    }

    @Test
    void archivesNestedBeyondTheLimitAreRefused() {
        ExtractionResult result = extract(extractor, TestFiles.nestedZips(4, "matryoshkite"), "application/zip", "nested.zip");

        assertThat(result.failureReason()).hasValue("nesting deeper than 3");
    }

    @Test
    void embeddedDocumentsBeyondTheLimitAreSkippedAndNoted() {
        ExtractionLimits limits = new ExtractionLimits(1024 * 1024, 100_000, Duration.ofSeconds(10), 3, 50, 5);
        try (AttachmentTextExtractor fewEmbedded = new AttachmentTextExtractor(limits, 1)) {
            ExtractionResult result = extract(fewEmbedded, TestFiles.zipOfTextFiles(8, "entry"), "application/zip", "many.zip");

            assertThat(result.failureReason()).isEmpty();
            assertThat(result.text()).contains("entry 0", "entry 4").doesNotContain("entry 5");
            assertThat(result.truncation()).hasValue("3 embedded documents beyond the limit of 5 not parsed");
        }
    }

    @Test
    void aCorruptPdfGivesAReason() {
        byte[] pdf = TestFiles.pdf("never seen");
        byte[] corrupt = Arrays.copyOf(pdf, pdf.length / 3);

        ExtractionResult result = extract(extractor, corrupt, "application/pdf", "broken.pdf");

        assertThat(result.failureReason()).hasValueSatisfying(reason -> assertThat(reason).startsWith("corrupt: "));
        assertThat(result.text()).isEmpty();
    }

    @Test
    void anEncryptedPdfGivesAReason() {
        ExtractionResult result = extract(extractor, TestFiles.encryptedPdf("classified", "s3cret"), "application/pdf", "secret.pdf");

        assertThat(result.failureReason()).hasValue("encrypted");
        assertThat(result.text()).isEmpty();
    }

    @Test
    void inputLargerThanTheLimitGivesAReason() {
        ExtractionLimits limits = ExtractionLimits.DEFAULT.withMaxInputBytes(10_000);
        try (AttachmentTextExtractor small = new AttachmentTextExtractor(limits, 1)) {
            byte[] big = "word ".repeat(5_000).getBytes(StandardCharsets.US_ASCII);

            ExtractionResult result = extract(small, big, "text/plain", "big.txt");

            assertThat(result.failureReason()).hasValue("larger than 10000 bytes");
        }
    }

    @Test
    void outputBeyondTheLimitIsTruncatedNotFailed() {
        ExtractionLimits limits = new ExtractionLimits(1024 * 1024, 1_000, Duration.ofSeconds(10), 3, 50, 1_000);
        try (AttachmentTextExtractor shortOutput = new AttachmentTextExtractor(limits, 1)) {
            // Varied words: a repeated one would compress well enough to look like a bomb.
            StringBuilder text = new StringBuilder();
            for (int i = 0; text.length() < 20_000; i++) {
                text.append("word").append(i).append(' ');
            }

            ExtractionResult result = extract(shortOutput, text.toString().getBytes(StandardCharsets.US_ASCII), "text/plain", "long.txt");

            assertThat(result.failureReason()).isEmpty();
            assertThat(result.text()).hasSizeLessThanOrEqualTo(1_000).startsWith("word0 word1");
            assertThat(result.truncation()).hasValue("text cut at 1000 characters");
        }
    }

    @Test
    void aParseThatOutrunsTheTimeoutGivesAReason() {
        try (AttachmentTextExtractor hasty = new AttachmentTextExtractor(ExtractionLimits.DEFAULT.withTimeout(Duration.ofMillis(1)), 1)) {
            byte[] big = TestFiles.docx("long document ".repeat(200_000));

            ExtractionResult result = extract(hasty, big, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "long.docx");

            assertThat(result.failureReason()).hasValue("timed out after 1 ms");
        }
    }

    @Test
    void aStuckParseHoldsItsThreadAndOthersGetAReasonUntilItEnds() throws Exception {
        try (AttachmentTextExtractor oneThread = new AttachmentTextExtractor(ExtractionLimits.DEFAULT.withTimeout(Duration.ofMillis(200)), 1)) {
            CountDownLatch release = new CountDownLatch(1);
            BlockingStream stuck = new BlockingStream(TestFiles.pdf("stuck"), release);

            ExtractionResult first = oneThread.extract(stuck, "application/pdf", "stuck.pdf");
            ExtractionResult second = extract(oneThread, TestFiles.pdf("waiting"), "application/pdf", "waiting.pdf");
            release.countDown();
            // Released, the abandoned parse ends at its next read and gives its thread back.
            ExtractionResult third = await().atMost(Duration.ofSeconds(30))
                .until(() -> extract(oneThread, TestFiles.pdf("afterwards"), "application/pdf", ""), result -> result.failureReason().isEmpty());

            assertThat(first.failureReason()).hasValue("timed out after 200 ms");
            assertThat(second.failureReason()).hasValue("no extraction thread free within 200 ms: 1 parses still running");
            assertThat(third.text()).contains("afterwards");
            assertThat(stuck.closed).isTrue();
        }
    }

    @Test
    void parsersComeFromThisModuleWhateverTheContextClassLoader() throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader original = thread.getContextClassLoader();
        // Sees nothing at all: no Tika, no PDFBox, no service files.
        try (URLClassLoader empty = new URLClassLoader(new URL[0], null)) {
            thread.setContextClassLoader(empty);
            try (AttachmentTextExtractor isolated = new AttachmentTextExtractor(ExtractionLimits.DEFAULT, 1)) {
                ExtractionResult result = extract(isolated, TestFiles.pdf("loaderproof"), "application/pdf", "x.pdf");

                assertThat(result.text()).contains("loaderproof");
            }
        } finally {
            thread.setContextClassLoader(original);
        }
    }

    @Test
    void anEmptyAttachmentHasNoTextAndNoFailure() {
        ExtractionResult result = extract(extractor, new byte[0], "application/pdf", "empty.pdf");

        assertThat(result).isEqualTo(ExtractionResult.complete(""));
    }

    /** A stream whose first read waits for a latch: a parse stuck where no cancellation check can reach it. */
    private static final class BlockingStream extends FilterInputStream {
        private final CountDownLatch release;
        private volatile boolean closed;

        BlockingStream(byte[] content, CountDownLatch release) {
            super(new ByteArrayInputStream(content));
            this.release = release;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            awaitRelease();
            return super.read(buffer, offset, length);
        }

        @Override
        public int read() throws IOException {
            awaitRelease();
            return super.read();
        }

        private void awaitRelease() throws IOException {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }

        @Override
        public void close() throws IOException {
            closed = true;
            super.close();
        }
    }
}
