package dev.jamespipeline.it.mailets;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

/** Test-only mailet: fails every attempt for mail whose subject contains the {@code subject} parameter. */
public class FailOnSubject extends GenericMailet {
    public static final String REASON = "FailOnSubject refuses this message";

    @Override
    public void service(Mail mail) throws MessagingException {
        String subject = mail.getMessage().getSubject();
        if (subject != null && subject.contains(getInitParameter("subject"))) {
            throw new MessagingException(REASON);
        }
    }
}
