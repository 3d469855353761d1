package dev.jamespipeline.security.auth;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.apache.mailet.AttributeUtils;
import org.apache.mailet.Mail;

import dev.jamespipeline.mailets.HeaderFieldEdits;
import dev.jamespipeline.mailets.HeaderFieldEdits.HeaderSection;
import dev.jamespipeline.mailets.MailParts;

/**
 * Runs SPF, DKIM and DMARC on one mail: the client IP, HELO and MAIL FROM James recorded at ingest (the stage
 * mail carries them) and the message's own bytes.
 */
public final class MailAuthenticator {
    private final SpfCheck spf;
    private final DkimCheck dkim;
    private final DmarcEvaluator dmarc;

    public MailAuthenticator(SpfCheck spf, DkimCheck dkim, DmarcEvaluator dmarc) {
        this.spf = spf;
        this.dkim = dkim;
        this.dmarc = dmarc;
    }

    public AuthenticationVerdict check(Mail mail) throws IOException {
        String clientIp = mail.getRemoteAddr();
        String helo = AttributeUtils.getValueAndCastFromMail(mail, Mail.SMTP_HELO, String.class).orElse("");
        String sender = MailParts.sender(mail);
        SpfResult spfMailFrom = spf.mailFrom(clientIp, sender, helo);
        SpfResult spfHelo = spf.helo(clientIp, helo);
        HeaderSection header;
        try (InputStream in = new BufferedInputStream(MailParts.openMessage(mail))) {
            header = HeaderFieldEdits.readHeader(in);
        }
        List<DkimResult> dkimResults = dkim.verify(header, () -> body(mail));
        DmarcResult dmarcResult = dmarc.evaluate(AuthorDomains.of(header), spfMailFrom, dkimResults, mail.getName());
        return new AuthenticationVerdict(spfMailFrom, spfHelo, dkimResults, dmarcResult);
    }

    private static InputStream body(Mail mail) throws IOException {
        InputStream in = new BufferedInputStream(MailParts.openMessage(mail));
        try {
            HeaderFieldEdits.readHeader(in);
            return in;
        } catch (IOException e) {
            in.close();
            throw e;
        }
    }
}
