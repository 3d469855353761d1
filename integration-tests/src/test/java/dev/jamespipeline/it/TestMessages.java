package dev.jamespipeline.it;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.UUID;

import javax.activation.DataHandler;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.util.ByteArrayDataSource;

import dev.jamespipeline.testing.TestFiles;

/** Real MIME messages (javax.mail) with attachments ({@link TestFiles}) for the search tests. */
final class TestMessages {
    private TestMessages() {
    }

    /** A text body plus attachments, as RFC 5322 text with CRLF line ends. */
    static String withAttachments(String from, String to, String subject, String body, Attachment... attachments)
            throws MessagingException, IOException {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(from);
        message.setRecipients(javax.mail.Message.RecipientType.TO, to);
        message.setSubject(subject);
        MimeMultipart multipart = new MimeMultipart();
        MimeBodyPart text = new MimeBodyPart();
        text.setText(body, "UTF-8");
        multipart.addBodyPart(text);
        for (Attachment attachment : attachments) {
            MimeBodyPart part = new MimeBodyPart();
            part.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment.content(), attachment.contentType())));
            part.setFileName(attachment.fileName());
            part.setDisposition(MimeBodyPart.ATTACHMENT);
            multipart.addBodyPart(part);
        }
        message.setContent(multipart);
        message.saveChanges();
        message.setHeader("Message-ID", "<" + UUID.randomUUID() + "@test-client.local>");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.UTF_8);
    }

    record Attachment(String fileName, String contentType, byte[] content) {
    }

    /** A one-page PDF whose only text is {@code text}. */
    static Attachment pdf(String fileName, String text) {
        return new Attachment(fileName, "application/pdf", TestFiles.pdf(text));
    }

    /** Bytes that claim to be a PDF and are not. */
    static Attachment corruptPdf(String fileName) {
        byte[] garbage = "%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\u0000\u00ff broken"
            .getBytes(StandardCharsets.ISO_8859_1);
        return new Attachment(fileName, "application/pdf", garbage);
    }

    /** A small zip holding one text entry of {@code expandedBytes} bytes: a compression bomb. */
    static Attachment zipBomb(String fileName, long expandedBytes) {
        return new Attachment(fileName, "application/zip", TestFiles.zipBomb(expandedBytes));
    }
}
