package dev.jamespipeline.security.virus;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.mailets.HeaderFieldEdits;
import dev.jamespipeline.mailets.MailParts;
import dev.jamespipeline.mailets.PipelineAttributes;
import dev.jamespipeline.security.quarantine.MailQuarantine;
import dev.jamespipeline.security.scanner.ScannerUnavailableException;
import dev.jamespipeline.security.scanner.ScanFailurePolicy;

/**
 * The antivirus stage: streams the raw message to clamd ({@link ClamdClient}).
 * <ul>
 * <li>Clean: verdict {@code virus=clean}, {@code X-Virus-Scanned: clamav} on top, the mail goes on.</li>
 * <li>Infected: verdicts {@code virus=infected} and {@code virus.name}, then the mail is quarantined for all its
 * recipients and ends here: never delivered.</li>
 * <li>No result (clamd down, slow, answering an error or nonsense): with retries left the stage fails and
 * RabbitMQ retries it after the stage's backoff; on the last attempt {@code security.virus.failure.policy}
 * decides (quarantine by default, or deliver tagged {@code X-Virus-Scanned: unscanned (<reason>)}).
 * A message larger than {@code security.virus.max.scan.bytes} gets the failure policy at once.</li>
 * </ul>
 * {@code X-Virus-*} fields the sender wrote are removed first: only this stage says what was scanned.
 */
public class ScanForViruses extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(ScanForViruses.class);
    public static final String VERDICT = "virus";
    public static final String SIGNATURE_VERDICT = "virus.name";
    public static final String CLEAN = "clean";
    public static final String INFECTED = "infected";
    public static final String UNSCANNED = "unscanned";
    public static final String SCANNED_FIELD = "X-Virus-Scanned";
    public static final String FOUND_FIELD = "X-Virus-Found";
    public static final String TOO_LARGE = "too large to scan";
    private static final String OUR_FIELDS = "x-virus-";

    private final ClamdClient clamd;
    private final VirusSettings settings;
    private final MailQuarantine quarantine;

    @Inject
    public ScanForViruses(ClamdClient clamd, VirusSettings settings, MailQuarantine quarantine) {
        this.clamd = clamd;
        this.settings = settings;
        this.quarantine = quarantine;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        HeaderFieldEdits.remove(mail, field -> isOurs(field.name()));
        long size = mail.getMessageSize();
        if (size > settings.maxScanBytes()) {
            failurePolicy(mail, TOO_LARGE + " (" + size + " bytes, security.virus.max.scan.bytes=" + settings.maxScanBytes() + ")");
            return;
        }
        ScanResult result;
        try (InputStream message = MailParts.openMessage(mail)) {
            result = clamd.scan(message);
        } catch (ScannerUnavailableException e) {
            if (!PipelineAttributes.isLastAttempt(mail)) {
                throw new MessagingException("Virus scan of " + mail.getName() + " failed, the stage retries it: " + e.reason(), e);
            }
            failurePolicy(mail, e.reason());
            return;
        } catch (IOException e) {
            throw new MessagingException("Cannot read " + mail.getName() + " to scan it: " + e.getMessage(), e);
        }
        if (result instanceof ScanResult.Infected infected) {
            quarantineInfected(mail, infected.signature());
        } else {
            PipelineAttributes.setVerdict(mail, VERDICT, CLEAN);
            HeaderFieldEdits.prepend(mail, List.of(SCANNED_FIELD + ": clamav"));
        }
    }

    private void quarantineInfected(Mail mail, String signature) throws MessagingException {
        PipelineAttributes.setVerdict(mail, VERDICT, INFECTED);
        PipelineAttributes.setVerdict(mail, SIGNATURE_VERDICT, signature);
        HeaderFieldEdits.prepend(mail, List.of(SCANNED_FIELD + ": clamav", FOUND_FIELD + ": " + signature));
        LOGGER.info("Mail {}: virus {} found, quarantined for {}", mail.getName(), signature, mail.getRecipients());
        quarantine.quarantineAndDrop(mail, mail.getRecipients(), "virus " + signature);
    }

    /** No scan result on the last attempt: never a silent pass. */
    private void failurePolicy(Mail mail, String reason) throws MessagingException {
        PipelineAttributes.setVerdict(mail, VERDICT, UNSCANNED);
        HeaderFieldEdits.prepend(mail, List.of(SCANNED_FIELD + ": " + UNSCANNED + " (" + reason + ")"));
        if (settings.failurePolicy() == ScanFailurePolicy.QUARANTINE) {
            LOGGER.error("Mail {} NOT SCANNED for viruses ({}): quarantined for {} (security.virus.failure.policy=quarantine)",
                mail.getName(), reason, mail.getRecipients());
            quarantine.quarantineAndDrop(mail, mail.getRecipients(), "virus scan failed: " + reason);
        } else {
            LOGGER.error("Mail {} NOT SCANNED for viruses ({}): delivered tagged {}: {} (security.virus.failure.policy=tag)",
                mail.getName(), reason, SCANNED_FIELD, UNSCANNED);
        }
    }

    private static boolean isOurs(String fieldName) {
        return fieldName.toLowerCase(Locale.ROOT).startsWith(OUR_FIELDS);
    }

    @Override
    public String getMailetInfo() {
        return "Scans the message with clamd; quarantines infected mail";
    }
}
