package dev.jamespipeline.mailets;

import java.io.IOException;
import java.io.InputStream;

import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.james.server.core.MimeMessageSource;
import org.apache.james.server.core.MimeMessageUtil;

/**
 * A mail's current message as a source of bytes. An unchanged {@code MimeMessageWrapper} gives
 * its source's bytes as they are; {@code writeTo} would re-serialise the headers (as US-ASCII,
 * so 8-bit header bytes become '?'), and after a header change call {@code saveChanges}, which
 * parses the whole MIME tree.
 */
final class MailMessageSource implements MimeMessageSource {
    private final MimeMessage message;
    private final String id;

    MailMessageSource(MimeMessage message, String id) {
        this.message = message;
        this.id = id;
    }

    @Override
    public String getSourceId() {
        return id;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        try {
            return new MimeMessageInputStream(message);
        } catch (MessagingException e) {
            throw new IOException("cannot read message " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public long getMessageSize() throws IOException {
        try {
            return MimeMessageUtil.getMessageSize(message);
        } catch (MessagingException e) {
            throw new IOException("cannot size message " + id + ": " + e.getMessage(), e);
        }
    }
}
