package dev.jamespipeline.security.auth;

import java.io.IOException;
import java.time.Clock;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.transport.matchers.SMTPIsAuthNetwork;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.DmarcResultEvent;
import dev.jamespipeline.mailets.HeaderFieldEdits;
import dev.jamespipeline.mailets.PipelineAttributes;
import dev.jamespipeline.security.quarantine.MailQuarantine;

/**
 * The authentication stage's mailet: SPF, DKIM and DMARC on the mail, their results in one RFC 8601
 * {@code Authentication-Results} field on top of the message and in the verdicts {@code spf}, {@code spf.helo},
 * {@code dkim}, {@code dmarc} and {@code dmarc.disposition}, and a {@code dmarc.result} event.
 *
 * <ul>
 *   <li>Received {@code Authentication-Results} fields claiming our authserv-id are always removed.</li>
 *   <li>Mail from an authenticated client or a relay-allowed address (James's {@code SMTPAuthSuccessful} and
 *       {@code SMTPIsAuthNetwork}) is our users' own outgoing mail: not checked; verdict {@code auth=skipped-local}.
 *       Other mail gets {@code auth=checked}.</li>
 *   <li>A DNS temporary error fails the stage while attempts are left (RabbitMQ retries it later); on the last
 *       attempt the results say {@code temperror} and the mail goes on: a DNS outage never quarantines mail.</li>
 *   <li>Disposition {@code reject}: the mail is quarantined for all its recipients and processing ends.
 *       Disposition {@code quarantine}: only the verdict {@code dmarc.disposition=quarantine}; the routing stage
 *       (mailetcontainer.xml) delivers such mail to the recipient's Junk folder.</li>
 * </ul>
 */
public class CheckAuthentication extends GenericMailet {
    /** none, quarantine (filed in Junk at delivery: FileSpamInJunk) or reject (quarantined here). */
    public static final String DMARC_DISPOSITION_VERDICT = "dmarc.disposition";
    private final MailAuthenticator authenticator;
    private final AuthenticationResultsField resultsField;
    private final MailQuarantine quarantine;
    private final EventPublisher events;
    private final Clock clock;

    @Inject
    public CheckAuthentication(MailAuthenticator authenticator, AuthenticationResultsField resultsField,
                               MailQuarantine quarantine, EventPublisher events, Clock clock) {
        this.authenticator = authenticator;
        this.resultsField = resultsField;
        this.quarantine = quarantine;
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String pipelineId = PipelineAttributes.requirePipelineId(mail, getClass().getSimpleName());
        HeaderFieldEdits.remove(mail, resultsField::claimsOurs);
        if (fromOurUsers(mail)) {
            PipelineAttributes.setVerdict(mail, "auth", "skipped-local");
            return;
        }
        AuthenticationVerdict verdict;
        try {
            verdict = authenticator.check(mail);
        } catch (IOException e) {
            throw new MessagingException("Authentication checks of " + pipelineId + " could not read the message: " + e.getMessage(), e);
        }
        if (verdict.hasTemporaryError() && !PipelineAttributes.isLastAttempt(mail)) {
            throw new MessagingException("Authentication checks of " + pipelineId
                + " met a DNS temporary error; the stage is retried (" + resultsField.format(verdict).replace("\r\n\t", " ") + ")");
        }
        HeaderFieldEdits.prepend(mail, List.of(resultsField.format(verdict)));
        DmarcResult dmarc = verdict.dmarc();
        PipelineAttributes.setVerdict(mail, "auth", "checked");
        PipelineAttributes.setVerdict(mail, "spf", verdict.spfMailFrom().result());
        PipelineAttributes.setVerdict(mail, "spf.helo", verdict.spfHelo().result());
        PipelineAttributes.setVerdict(mail, "dkim", verdict.dkimSummary());
        PipelineAttributes.setVerdict(mail, "dmarc", dmarc.result());
        PipelineAttributes.setVerdict(mail, DMARC_DISPOSITION_VERDICT, dmarc.disposition());
        try {
            events.dmarcResult(event(pipelineId, mail.getRemoteAddr(), verdict));
        } catch (PublishException e) {
            throw new MessagingException("dmarc.result of " + pipelineId + " was not published: " + e.getMessage(), e);
        }
        if ("reject".equals(dmarc.disposition())) {
            quarantine.quarantineAndDrop(mail, mail.getRecipients(), "dmarc reject: " + dmarc.fromDomain() + " (" + dmarc.reason() + ")");
        }
    }

    private static boolean fromOurUsers(Mail mail) {
        return mail.getAttribute(Mail.SMTP_AUTH_USER).isPresent() || !new SMTPIsAuthNetwork().match(mail).isEmpty();
    }

    private DmarcResultEvent event(String pipelineId, String clientIp, AuthenticationVerdict verdict) {
        DmarcResult dmarc = verdict.dmarc();
        DmarcResultEvent.Policy policy = dmarc.record()
            .map(record -> new DmarcResultEvent.Policy(record.domain(), record.p(), record.sp(), record.pct(),
                record.adkim(), record.aspf()))
            .orElse(null);
        return new DmarcResultEvent(DmarcResultEvent.VERSION, pipelineId, dmarc.fromDomain(), dmarc.result(), policy,
            dmarc.disposition(), new DmarcResultEvent.Check(verdict.spfMailFrom().result(), verdict.spfMailFrom().domain()),
            verdict.dkim().stream().map(dkim -> new DmarcResultEvent.Check(dkim.result(), dkim.domain())).toList(),
            clientIp, clock.instant());
    }

    @Override
    public String getMailetInfo() {
        return "SPF, DKIM and DMARC checks: Authentication-Results, verdicts, dmarc.result, quarantine on reject";
    }
}
