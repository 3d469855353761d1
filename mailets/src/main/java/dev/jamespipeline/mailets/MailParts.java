package dev.jamespipeline.mailets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.stream.Collectors;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/** The parts of a James {@link Mail} the pipeline copies into its store and envelopes. */
public final class MailParts {
    private MailParts() {
    }

    public static List<String> recipients(Mail mail) {
        return mail.getRecipients().stream().map(MailAddress::asString).collect(Collectors.toList());
    }

    public static String sender(Mail mail) {
        return mail.getMaybeSender().asString("");
    }

    /** The bytes as received while no mailet changed the message (see {@link MailMessageSource}). */
    public static void writeMessage(Mail mail, OutputStream out) throws IOException {
        try (InputStream in = openMessage(mail)) {
            in.transferTo(out);
        }
    }

    /** The message's bytes, as {@link #writeMessage} writes them, to read; the caller closes the stream. */
    public static InputStream openMessage(Mail mail) throws IOException {
        try {
            return new MailMessageSource(mail.getMessage(), mail.getName()).getInputStream();
        } catch (MessagingException e) {
            throw new IOException("cannot read message " + mail.getName() + ": " + e.getMessage(), e);
        }
    }
}
