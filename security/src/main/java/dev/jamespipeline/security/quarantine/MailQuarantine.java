package dev.jamespipeline.security.quarantine;

import java.util.Collection;

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
}
