package dev.jamespipeline.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.apache.james.mime4j.MimeException;
import org.apache.james.mime4j.dom.Message;
import org.apache.james.mime4j.message.DefaultMessageWriter;
import org.apache.james.mime4j.message.MultipartBuilder;
import org.apache.james.mime4j.stream.RawField;

import dev.jamespipeline.testing.TestFiles;
import dev.jamespipeline.testing.TestMessages;

/**
 * The messages the search benchmark (benchmarks/search.sh) sends, built with mime4j:
 * <ul>
 *   <li>{@link #threaded}: conversations of {@value #THREAD_LENGTH} messages. The first has subject
 *       "topic K" and a Message-ID, each reply "Re: topic K", In-Reply-To its predecessor and
 *       References every earlier message of the thread. Threads run {@value #THREADS_IN_FLIGHT} at a
 *       time, so a thread's next message comes {@value #THREADS_IN_FLIGHT} messages after the
 *       previous one (as replies do, later), and every {@value #MESSAGES_PER_ROUND} messages
 *       complete {@value #THREADS_IN_FLIGHT} threads;</li>
 *   <li>{@link #mixed}: unrelated messages, every {@code pdfEvery}-th with a small PDF attachment
 *       ({@link TestFiles#pdf}) whose text the indexer extracts;</li>
 *   <li>{@link #plain}: the IMAP SEARCH latency benchmark's messages (benchmarks/imap-search.sh), the body
 *       text with one word of the benchmark's own, and no Message-ID.</li>
 * </ul>
 * Bodies are printable CRLF lines that never start with '.', so the bytes go into DATA as they are.
 */
final class SearchBenchMessages {
    static final int THREAD_LENGTH = 10;
    static final int THREADS_IN_FLIGHT = 100;
    static final int MESSAGES_PER_ROUND = THREAD_LENGTH * THREADS_IN_FLIGHT;

    /** The text of the PDF attachment. */
    static final String PDF_TEXT = "Quarterly figures for the search benchmark: revenue, churn, headcount.";

    private static final String FROM = "load@load.local";
    private static final Pattern TOPIC = Pattern.compile("(?:Re: )?topic (\\d+)");

    private final String bodyText;
    private final int pdfEvery;
    private final byte[] pdf;

    /** @param pdfEvery every how many mixed messages carry the PDF; 0 for none */
    SearchBenchMessages(int bodySize, int pdfEvery) throws IOException {
        if (bodySize < 100) {
            throw new IllegalArgumentException("body size must be at least 100 bytes, got " + bodySize);
        }
        if (pdfEvery < 0) {
            throw new IllegalArgumentException("pdfEvery must be 0 (no PDF) or positive, got " + pdfEvery);
        }
        this.bodyText = SmtpAcceptLoad.body(bodySize);
        this.pdfEvery = pdfEvery;
        this.pdf = pdfEvery > 0 ? TestFiles.pdf(PDF_TEXT) : null;
    }

    /** Message {@code number} (from 0) of the threaded series, to {@code to}. */
    byte[] threaded(long number, String to) throws IOException, MimeException {
        long thread = threadOf(number);
        int position = (int) (number % MESSAGES_PER_ROUND / THREADS_IN_FLIGHT);
        Message.Builder message = headers(to, (position == 0 ? "" : "Re: ") + "topic " + thread, messageId(thread, position));
        if (position > 0) {
            message.addField(new RawField("In-Reply-To", messageId(thread, position - 1)));
            message.addField(new RawField("References", IntStream.range(0, position)
                .mapToObj(earlier -> messageId(thread, earlier)).collect(Collectors.joining(" "))));
        }
        return write(message.setBody(bodyText, StandardCharsets.US_ASCII).build());
    }

    /** Message {@code number} of the mixed series, to {@code to}. */
    byte[] mixed(long number, String to) throws IOException, MimeException {
        Message.Builder message = headers(to, "report " + number, "<mixed." + number + "@load.local>");
        if (pdfEvery == 0 || number % pdfEvery != 0) {
            return write(message.setBody(bodyText, StandardCharsets.US_ASCII).build());
        }
        return write(message.setBody(MultipartBuilder.create("mixed")
            .addTextPart(bodyText, StandardCharsets.US_ASCII)
            .addBodyPart(TestMessages.attachment("report-" + number + ".pdf", "application/pdf", pdf))
            .build()).build());
    }

    /**
     * A message with the body text and one more line holding {@code word}, without a Message-ID: at
     * every APPEND stock James's thread-id guessing searches the user's mailboxes for the message's
     * ids, and with none it matches nothing without reading a message, so filling a mailbox is not
     * quadratic. The SEARCH criteria measured do not read Message-ID.
     */
    byte[] plain(String to, String subject, String word) throws IOException, MimeException {
        Message message = Message.Builder.of()
            .setFrom(FROM)
            .setTo(to)
            .setSubject(subject)
            .setDate(new Date())
            .setBody(bodyText + word + "\r\n", StandardCharsets.US_ASCII)
            .build();
        return write(message);
    }

    /** The thread a message of the threaded series belongs to. */
    static long threadOf(long number) {
        return number / MESSAGES_PER_ROUND * THREADS_IN_FLIGHT + number % THREADS_IN_FLIGHT;
    }

    /** The thread named by a threaded message's subject ("topic K" or "Re: topic K"), if it is one. */
    static Optional<Long> topicOf(String subject) {
        Matcher matcher = TOPIC.matcher(subject == null ? "" : subject.trim());
        return matcher.matches() ? Optional.of(Long.parseLong(matcher.group(1))) : Optional.empty();
    }

    private static String messageId(long thread, int position) {
        return "<topic-" + thread + "." + position + "@load.local>";
    }

    private static Message.Builder headers(String to, String subject, String messageId) throws MimeException {
        return Message.Builder.of()
            .setFrom(FROM)
            .setTo(to)
            .setSubject(subject)
            .setDate(new Date())
            .setMessageId(messageId);
    }

    private static byte[] write(Message message) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new DefaultMessageWriter().writeMessage(message, out);
        // DATA ends with CRLF "." CRLF: the content must end with a line break of its own.
        if (out.size() < 2 || !new String(out.toByteArray(), out.size() - 2, 2, StandardCharsets.US_ASCII).equals("\r\n")) {
            out.write('\r');
            out.write('\n');
        }
        return out.toByteArray();
    }
}
