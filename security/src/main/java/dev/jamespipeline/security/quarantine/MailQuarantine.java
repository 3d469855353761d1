package dev.jamespipeline.security.quarantine;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

/**
 * Where security stages put mail that must not be delivered: kept (never lost), announced with
 * {@code mail.quarantined}, listed, released to its recipients exactly once, or deleted through WebAdmin.
 */
public interface MailQuarantine {
    /**
     * Keeps the mail as it is now (the header fields stages added included) for {@code recipients}, and
     * announces it. The caller then removes those recipients from the mail (and ghosts it when none is
     * left). Idempotent: a retried stage that quarantines the same mail for the same reason keeps one copy.
     *
     * @param reason why, for the operator and the event (for example "virus Eicar-Test-Signature")
     * @return the quarantine id
     */
    String quarantine(Mail mail, Collection<MailAddress> recipients, String reason) throws MessagingException;

    /**
     * What a stage does with mail it must not deliver to {@code recipients}: keeps it for them, takes them off
     * the mail, and ends the mail (ghost) when no recipient is left. Nothing happens for no recipient.
     */
    default void quarantineAndDrop(Mail mail, Collection<MailAddress> recipients, String reason) throws MessagingException {
        if (recipients.isEmpty()) {
            return;
        }
        List<MailAddress> dropped = List.copyOf(recipients);
        quarantine(mail, dropped, reason);
        List<MailAddress> remaining = new ArrayList<>(mail.getRecipients());
        remaining.removeAll(dropped);
        mail.setRecipients(remaining);
        if (remaining.isEmpty()) {
            mail.setState(Mail.GHOST);
        }
    }
}
