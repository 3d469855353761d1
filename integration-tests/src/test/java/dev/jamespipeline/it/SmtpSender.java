package dev.jamespipeline.it;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import org.apache.commons.net.smtp.SMTPClient;
import org.apache.commons.net.smtp.SMTPReply;

/** A real SMTP client (Apache Commons Net) that reports the reply to the end of DATA. */
final class SmtpSender {
    private final int port;

    SmtpSender(int port) {
        this.port = port;
    }

    SmtpReply send(String from, String subject, String body, String... recipients) throws IOException {
        return send(() -> { }, from, subject, body, recipients);
    }

    /**
     * A session up to RCPT and no further: the reply to MAIL when it is refused, else the reply to RCPT.
     * For backpressure, which answers MAIL and RCPT.
     */
    SmtpReply envelope(String from, String recipient) throws IOException {
        SMTPClient client = new SMTPClient();
        client.setDefaultTimeout(30_000);
        client.connect("127.0.0.1", port);
        try {
            client.login("test-client.local");
            if (client.setSender(from)) {
                client.addRecipient(recipient);
            }
            SmtpReply reply = new SmtpReply(client.getReplyCode(), client.getReplyString().trim());
            client.logout();
            return reply;
        } finally {
            client.disconnect();
        }
    }

    /** Runs {@code beforeData} after RCPT and before DATA, to change the world in the middle of a transaction. */
    SmtpReply send(ThrowingRunnable beforeData, String from, String subject, String body, String... recipients)
            throws IOException {
        String message = "From: " + from + "\r\nTo: " + String.join(", ", recipients) + "\r\nSubject: " + subject
            + "\r\nMessage-ID: <" + java.util.UUID.randomUUID() + "@test-client.local>\r\n\r\n" + body + "\r\n";
        return sendRaw(beforeData, from, message, recipients);
    }

    /** Sends {@code message} (RFC 5322 text with CRLF line ends) as it is. */
    SmtpReply sendRaw(String from, String message, String... recipients) throws IOException {
        return sendRaw(() -> { }, from, message, recipients);
    }

    /**
     * Sends these bytes as they are (8-bit bytes and bare CRs included; the client only dot-stuffs
     * and turns a bare LF into CRLF). The client's writer is ISO-8859-1, one char per byte.
     */
    SmtpReply sendBytes(String from, byte[] message, String... recipients) throws IOException {
        return sendRaw(from, new String(message, StandardCharsets.ISO_8859_1), recipients);
    }

    /** Streams a message too large to hold as a string; {@code message} writes ISO-8859-1 chars, one per byte. */
    SmtpReply sendStreamed(String from, MessageWriter message, String... recipients) throws IOException {
        return send(() -> { }, from, message, recipients);
    }

    private SmtpReply sendRaw(ThrowingRunnable beforeData, String from, String message, String... recipients)
            throws IOException {
        return send(beforeData, from, writer -> writer.write(message), recipients);
    }

    /**
     * As {@link #send(String, String, String, String...)}, but a refused MAIL or RCPT is an answer too:
     * the reply that refused the message, wherever it came.
     */
    SmtpReply offer(String from, String subject, String body, String recipient) throws IOException {
        String message = "From: " + from + "\r\nTo: " + recipient + "\r\nSubject: " + subject + "\r\n\r\n" + body + "\r\n";
        return send(() -> { }, from, writer -> writer.write(message), true, recipient);
    }

    private SmtpReply send(ThrowingRunnable beforeData, String from, MessageWriter message, String... recipients)
            throws IOException {
        return send(beforeData, from, message, false, recipients);
    }

    private SmtpReply send(ThrowingRunnable beforeData, String from, MessageWriter message, boolean refusalAnswers,
                           String... recipients) throws IOException {
        SMTPClient client = new SMTPClient();
        client.setDefaultTimeout(30_000);
        client.connect("127.0.0.1", port);
        try {
            client.login("test-client.local");
            boolean accepted = client.setSender(from);
            for (int i = 0; accepted && i < recipients.length; i++) {
                accepted = client.addRecipient(recipients[i]);
            }
            if (!accepted && refusalAnswers) {
                return new SmtpReply(client.getReplyCode(), client.getReplyString().trim());
            }
            requireOk(accepted, client);
            beforeData.run();
            Writer writer = client.sendMessageData();
            if (writer == null) {
                throw new IOException("DATA refused: " + client.getReplyString());
            }
            message.writeTo(writer);
            writer.close();
            client.completePendingCommand();
            SmtpReply reply = new SmtpReply(client.getReplyCode(), client.getReplyString().trim());
            client.logout();
            return reply;
        } finally {
            client.disconnect();
        }
    }

    interface MessageWriter {
        void writeTo(Writer writer) throws IOException;
    }

    interface ThrowingRunnable {
        void run() throws IOException;
    }

    private static void requireOk(boolean ok, SMTPClient client) throws IOException {
        if (!ok || !SMTPReply.isPositiveCompletion(client.getReplyCode())) {
            throw new IOException("SMTP command refused: " + client.getReplyString());
        }
    }
}
