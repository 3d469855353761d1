package dev.jamespipeline.security.quarantine;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/**
 * Quarantines the mail for the recipients its matcher picked, with the {@code reason} parameter, and ends its
 * processing here (the mail is ghosted). For stage processors in {@code mailetcontainer.xml}, for example
 * {@code <mailet match="HasHeader=X-Virus" class="dev.jamespipeline.security.quarantine.Quarantine">
 * <reason>virus header</reason><onMailetException>propagate</onMailetException></mailet>}.
 */
public class Quarantine extends GenericMailet {
    static final String REASON = "reason";
    private static final int MAX_REASON_LENGTH = 500;

    private final MailQuarantine quarantine;
    private String reason;

    @Inject
    public Quarantine(MailQuarantine quarantine) {
        this.quarantine = quarantine;
    }

    @Override
    public void init() throws MessagingException {
        String configured = getInitParameter(REASON);
        if (configured == null || configured.isBlank() || configured.length() > MAX_REASON_LENGTH) {
            throw new MessagingException(getClass().getSimpleName() + " needs the parameter <" + REASON
                + ">: why the mail is kept, for the operator (1 to " + MAX_REASON_LENGTH + " characters)");
        }
        reason = configured.strip();
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        quarantine.quarantineAndDrop(mail, mail.getRecipients(), reason);
    }

    @Override
    public String getMailetInfo() {
        return "Keeps the mail in the quarantine for its recipients, to be released or deleted through WebAdmin";
    }
}
