package dev.jamespipeline.it.mailets;

import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.security.quarantine.MailQuarantine;

/**
 * Test-only stand-in for a per-recipient policy (spam per domain): quarantines the mail for {@code recipient}
 * through the {@link MailQuarantine} API, removes that recipient, and lets the mail go on for the others.
 */
public class QuarantineRecipient extends GenericMailet {
    private final MailQuarantine quarantine;

    @Inject
    public QuarantineRecipient(MailQuarantine quarantine) {
        this.quarantine = quarantine;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        MailAddress recipient = new MailAddress(getInitParameter("recipient"));
        if (!mail.getRecipients().contains(recipient)) {
            return;
        }
        quarantine.quarantine(mail, List.of(recipient), getInitParameter("reason"));
        List<MailAddress> others = mail.getRecipients().stream().filter(other -> !other.equals(recipient)).toList();
        mail.setRecipients(others);
        if (others.isEmpty()) {
            mail.setState(Mail.GHOST);
        }
    }
}
