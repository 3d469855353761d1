package dev.jamespipeline.dsn;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Properties;

import javax.inject.Inject;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.InternetHeaders;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;

import org.apache.james.javax.MimeMultipartReport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.ingest.IngestException;
import dev.jamespipeline.core.ingest.IngestRequest;
import dev.jamespipeline.core.ingest.MailIngestor;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKey;

/**
 * Every delivery status notification the pipeline sends (RFC 3464 {@code multipart/report}: a
 * human-readable part, a {@code message/delivery-status} part, the original's header block as
 * {@code text/rfc822-headers}, built with James's {@link MimeMultipartReport} as its DSNBounce does).
 * A notice is handed to the pipeline durably through {@link MailIngestor}, from the null sender, under
 * an id derived from the original's, so sending the same notice twice (a redelivered job) gives one
 * pipeline message, and a notice that fails in turn is never answered with another one.
 */
public final class DeliveryStatusNotices {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryStatusNotices.class);
    /** Enough for any real header block; a hostile one is cut at a line end. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final String CRLF = "\r\n";

    /** RFC 3464 §2.3.3 actions the pipeline reports. */
    public enum Action {
        FAILED("failed", "Undelivered Mail Returned to Sender"),
        DELAYED("delayed", "Delayed Mail (still being retried)");

        private final String field;
        private final String subject;

        Action(String field, String subject) {
            this.field = field;
            this.subject = subject;
        }
    }

    /**
     * One recipient's line in the report.
     *
     * @param status     RFC 3463 status, e.g. {@code 5.1.1}
     * @param diagnostic the remote reply ({@code smtp; 550 5.1.1 no such user}) or local reason ({@code X-James; ...})
     * @param remoteMta  the host that answered, if any
     */
    public record RecipientStatus(String recipient, String status, String diagnostic, Optional<String> remoteMta) {
    }

    /**
     * @param originalId    the pipeline id of the message the notice is about
     * @param discriminator distinguishes the notices of one original (a dead letter, a bounce of an attempt, a warning)
     * @param sender        the envelope sender who gets the notice ("" for the null sender: then no notice)
     * @param fromDomain    domain of the notice's MAILER-DAEMON From address
     * @param explanation   the human-readable text, before the per-recipient reasons
     */
    public record Notice(String originalId, String discriminator, Action action, String sender, String fromDomain,
                         Instant arrivalDate, StorageKey original, String explanation, List<RecipientStatus> recipients) {
        public Notice {
            recipients = List.copyOf(recipients);
        }
    }

    private final MessageStore store;
    private final MailIngestor ingestor;
    private final String reportingMta;

    @Inject
    public DeliveryStatusNotices(MessageStore store, MailIngestor ingestor) {
        this.store = store;
        this.ingestor = ingestor;
        this.reportingMta = localHostName();
    }

    /**
     * Sends the notice, or none when none is due: to the null sender, or about a message that is a
     * delivery report itself (no loops). A stored original that cannot be read still gets a notice,
     * without its headers.
     *
     * @return the notice's pipeline id, empty when none was due
     */
    public Optional<String> send(Notice notice) throws MessagingException, IngestException {
        if (notice.sender().isEmpty()) {
            LOGGER.info("No notice about {}: null sender (a bounce or a notice itself)", notice.originalId());
            return Optional.empty();
        }
        byte[] originalHeaders = readableHeaders(notice);
        if (isDeliveryReport(originalHeaders)) {
            LOGGER.info("No notice about {}: it is a delivery report itself", notice.originalId());
            return Optional.empty();
        }
        MimeMessage message = build(notice, originalHeaders);
        ReceivedEnvelope sent = ingestor.ingest(new IngestRequest(
            Optional.of(PipelineIds.derived(notice.originalId(), notice.discriminator())), "",
            List.of(notice.sender()), null, null, null, true, out -> writeTo(message, out)));
        LOGGER.info("Notice ({}) about {} sent to {} as {}", notice.action().field, notice.originalId(), notice.sender(),
            sent.pipelineId());
        return Optional.of(sent.pipelineId());
    }

    private byte[] readableHeaders(Notice notice) {
        try {
            return originalHeaders(notice.original());
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("The stored copy of {} cannot be read ({}); its notice goes without its headers",
                notice.originalId(), e.getMessage());
            return new byte[0];
        }
    }

    private MimeMessage build(Notice notice, byte[] originalHeaders) throws MessagingException {
        MimeMultipartReport report = new MimeMultipartReport();
        report.setReportType("delivery-status");
        report.addBodyPart(humanReadable(notice));
        report.addBodyPart(deliveryStatus(notice));
        report.addBodyPart(headersOf(originalHeaders));

        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("MAILER-DAEMON@" + notice.fromDomain()));
        message.setRecipients(MimeMessage.RecipientType.TO, notice.sender());
        message.setSubject(notice.action().subject);
        message.setSentDate(new Date());
        // RFC 3834: an automatic message, which responders must not answer.
        message.setHeader("Auto-Submitted", "auto-replied");
        message.setContent(report);
        message.setHeader("Content-Type", report.getContentType());
        message.saveChanges();
        return message;
    }

    private static MimeBodyPart humanReadable(Notice notice) throws MessagingException {
        StringBuilder text = new StringBuilder(oneLine(notice.explanation())).append(CRLF).append(CRLF);
        for (RecipientStatus recipient : notice.recipients()) {
            text.append(recipient.recipient()).append(": ").append(oneLine(recipient.diagnostic())).append(CRLF);
        }
        MimeBodyPart part = new MimeBodyPart();
        part.setText(text.toString(), "utf-8");
        return part;
    }

    private MimeBodyPart deliveryStatus(Notice notice) throws MessagingException {
        StringBuilder status = new StringBuilder()
            .append("Reporting-MTA: dns; ").append(reportingMta).append(CRLF)
            .append("X-James-Pipeline-Id: ").append(notice.originalId()).append(CRLF)
            .append("Arrival-Date: ").append(notice.arrivalDate()).append(CRLF);
        for (RecipientStatus recipient : notice.recipients()) {
            status.append(CRLF)
                .append("Final-Recipient: rfc822; ").append(oneLine(recipient.recipient())).append(CRLF)
                .append("Action: ").append(notice.action().field).append(CRLF)
                .append("Status: ").append(oneLine(recipient.status())).append(CRLF);
            recipient.remoteMta().ifPresent(mta -> status.append("Remote-MTA: dns; ").append(oneLine(mta)).append(CRLF));
            status.append("Diagnostic-Code: ").append(oneLine(recipient.diagnostic())).append(CRLF);
        }
        MimeBodyPart part = new MimeBodyPart();
        part.setContent(status.toString(), "text/plain; charset=utf-8");
        part.setHeader("Content-Type", "message/delivery-status");
        return part;
    }

    /** Remote replies and reasons are untrusted text: one line, so they cannot add fields to the report. */
    private static String oneLine(String text) {
        return text.replaceAll("[\r\n]+", " ");
    }

    private static MimeBodyPart headersOf(byte[] originalHeaders) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(new String(originalHeaders, StandardCharsets.UTF_8), "utf-8");
        part.setHeader("Content-Type", "text/rfc822-headers; charset=utf-8");
        return part;
    }

    /** The stored message's header block, up to its blank line (or {@link #MAX_HEADER_BYTES}). */
    private byte[] originalHeaders(StorageKey original) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        try (InputStream in = new BufferedInputStream(store.open(original))) {
            int previous = -1;
            int lastLineEnd = 0;
            int b;
            while ((b = in.read()) != -1 && headers.size() < MAX_HEADER_BYTES) {
                headers.write(b);
                if (b == '\n') {
                    lastLineEnd = headers.size();
                    if (previous == '\n') {
                        break;
                    }
                }
                if (b != '\r') {
                    previous = b;
                }
            }
            byte[] bytes = headers.toByteArray();
            return headers.size() >= MAX_HEADER_BYTES ? Arrays.copyOf(bytes, lastLineEnd) : bytes;
        }
    }

    private static boolean isDeliveryReport(byte[] originalHeaders) {
        try {
            String contentType = new InternetHeaders(new ByteArrayInputStream(originalHeaders)).getHeader("Content-Type", " ");
            return contentType != null && contentType.toLowerCase(Locale.ROOT).contains("multipart/report")
                && contentType.toLowerCase(Locale.ROOT).contains("delivery-status");
        } catch (MessagingException e) {
            return false;
        }
    }

    private static void writeTo(MimeMessage notice, OutputStream out) throws IOException {
        try {
            notice.writeTo(out);
        } catch (MessagingException e) {
            throw new IOException("cannot write the notice: " + e.getMessage(), e);
        }
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
