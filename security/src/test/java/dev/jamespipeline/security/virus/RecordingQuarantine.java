package dev.jamespipeline.security.virus;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.jamespipeline.mailets.MailParts;
import dev.jamespipeline.security.quarantine.MailQuarantine;

/** Stands in for the quarantine (built apart from this stage): keeps what it was given, as it was given. */
final class RecordingQuarantine implements MailQuarantine {
    record Kept(String mailName, List<MailAddress> recipients, String reason, byte[] message) {
    }

    final List<Kept> kept = new CopyOnWriteArrayList<>();

    @Override
    public String quarantine(Mail mail, Collection<MailAddress> recipients, String reason) throws MessagingException {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        try {
            MailParts.writeMessage(mail, message);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        kept.add(new Kept(mail.getName(), List.copyOf(recipients), reason, message.toByteArray()));
        return "q-" + kept.size();
    }
}
