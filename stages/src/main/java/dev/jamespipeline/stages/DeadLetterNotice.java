package dev.jamespipeline.stages;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
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
 * Tells the envelope sender that a message was given up on (RFC 3464 delivery status
 * notification: the reason, a delivery-status part, the original's headers as
 * text/rfc822-headers), built the way James's DSNBounce builds one. The notice is handed to the
 * pipeline durably through {@link MailIngestor}, from the null sender, so a notice that fails
 * in turn is never answered with another one.
 */
public final class DeadLetterNotice {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeadLetterNotice.class);
    /** Enough for any real header block; a hostile one is cut at a line end. */
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final String CRLF = "\r\n";
    private static final String STATUS = "5.3.0";

    private final MessageStore store;
    private final MailIngestor ingestor;
    private final String reportingMta;

    @Inject
    public DeadLetterNotice(MessageStore store, MailIngestor ingestor) {
        this.store = store;
        this.ingestor = ingestor;
        this.reportingMta = localHostName();
    }

    /**
     * Called before the message is dead-lettered: if the notice cannot be handed to the pipeline it
     * throws, and the message stays in its queue to be tried again (the notice's derived id makes a
     * repeat harmless). A stored copy that cannot be read still gets a notice, without its headers.
     */
    public void notifySender(ReceivedEnvelope envelope, String reason) throws MessagingException, IngestException {
        if (envelope.sender().isEmpty()) {
            LOGGER.info("No notice for dead-lettered {}: null sender (a bounce or a notice itself)", envelope.pipelineId());
            return;
        }
        byte[] originalHeaders = readableHeaders(envelope);
        if (isDeliveryReport(originalHeaders)) {
            LOGGER.info("No notice for dead-lettered {}: it is a delivery report itself", envelope.pipelineId());
            return;
        }
        MimeMessage notice = build(envelope, reason, originalHeaders);
        // Derived id: dead-lettering the same message twice (a redelivery) gives the same notice, which the ledger drops.
        ReceivedEnvelope sent = ingestor.ingest(new IngestRequest(
            Optional.of(PipelineIds.derived(envelope.pipelineId(), "dead-letter-notice")), "",
            List.of(envelope.sender()), null, null, null, true, out -> writeTo(notice, out)));
        LOGGER.info("Dead-lettered {}: notice {} sent to {}", envelope.pipelineId(), sent.pipelineId(), envelope.sender());
    }

    private byte[] readableHeaders(ReceivedEnvelope envelope) {
        try {
            return originalHeaders(envelope);
        } catch (IOException | RuntimeException e) {
            LOGGER.warn("Dead-lettered {}: its stored copy cannot be read ({}); the notice goes without its headers",
                envelope.pipelineId(), e.getMessage());
            return new byte[0];
        }
    }

    private MimeMessage build(ReceivedEnvelope envelope, String reason, byte[] originalHeaders) throws MessagingException {
        String oneLineReason = reason.replaceAll("[\r\n]+", " ");
        MimeMultipartReport report = new MimeMultipartReport();
        report.setReportType("delivery-status");
        report.addBodyPart(humanReadable(envelope, oneLineReason));
        report.addBodyPart(deliveryStatus(envelope, oneLineReason));
        report.addBodyPart(headersOf(originalHeaders));

        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("MAILER-DAEMON@" + envelope.domain()));
        message.setRecipients(MimeMessage.RecipientType.TO, envelope.sender());
        message.setSubject("Undelivered Mail Returned to Sender");
        message.setSentDate(new Date());
        // RFC 3834: an automatic message, which responders must not answer.
        message.setHeader("Auto-Submitted", "auto-replied");
        message.setContent(report);
        message.setHeader("Content-Type", report.getContentType());
        message.saveChanges();
        return message;
    }

    private static MimeBodyPart humanReadable(ReceivedEnvelope envelope, String reason) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText("Your message could not be delivered to " + String.join(", ", envelope.recipients())
            + ". It was received at " + envelope.receivedAt() + " and kept failing; it will not be tried again." + CRLF + CRLF
            + "Reason: " + reason + CRLF, "utf-8");
        return part;
    }

    private MimeBodyPart deliveryStatus(ReceivedEnvelope envelope, String reason) throws MessagingException {
        StringBuilder status = new StringBuilder()
            .append("Reporting-MTA: dns; ").append(reportingMta).append(CRLF)
            .append("X-James-Pipeline-Id: ").append(envelope.pipelineId()).append(CRLF)
            .append("Arrival-Date: ").append(envelope.receivedAt()).append(CRLF);
        for (String recipient : envelope.recipients()) {
            status.append(CRLF)
                .append("Final-Recipient: rfc822; ").append(recipient).append(CRLF)
                .append("Action: failed").append(CRLF)
                .append("Status: ").append(STATUS).append(CRLF)
                .append("Diagnostic-Code: X-James; ").append(reason).append(CRLF);
        }
        MimeBodyPart part = new MimeBodyPart();
        part.setContent(status.toString(), "text/plain; charset=utf-8");
        part.setHeader("Content-Type", "message/delivery-status");
        return part;
    }

    private static MimeBodyPart headersOf(byte[] originalHeaders) throws MessagingException {
        MimeBodyPart part = new MimeBodyPart();
        part.setText(new String(originalHeaders, StandardCharsets.UTF_8), "utf-8");
        part.setHeader("Content-Type", "text/rfc822-headers; charset=utf-8");
        return part;
    }

    /** The stored message's header block, up to its blank line (or {@link #MAX_HEADER_BYTES}). */
    private byte[] originalHeaders(ReceivedEnvelope envelope) throws IOException {
        ByteArrayOutputStream headers = new ByteArrayOutputStream();
        try (InputStream in = new BufferedInputStream(store.open(new StorageKey(envelope.storage().key())))) {
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
