package dev.jamespipeline.security.spam;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.server.core.MimeMessageInputStream;
import org.apache.james.server.core.MimeMessageUtil;
import org.apache.mailet.AttributeName;
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
 * The spam stage: Rspamd scores the message; the X-Spam header fields (the sender's own removed first) and the
 * verdicts {@code spam} (yes, no or unchecked), {@code spam.score}, {@code spam.action} and {@code spam.symbols}
 * record the answer. For spam, recipients whose domain's policy is quarantine are quarantined and dropped from
 * the mail (ghosted when none is left); tag and junk recipients go on ({@link FileSpamInJunk} files junk ones
 * at delivery).
 * <p>
 * When Rspamd cannot answer, the mailet fails (configure {@code onMailetException="propagate"}) and the stage
 * retries with its backoff; on the last attempt the failure policy applies instead: tag (delivered with
 * {@code X-Spam-Status: unchecked (<reason>)}) or quarantine. Messages above the size limit are not sent and
 * are tagged unchecked.
 */
public class ScanForSpam extends GenericMailet {
    private static final Logger LOGGER = LoggerFactory.getLogger(ScanForSpam.class);
    public static final String VERDICT = "spam";
    public static final String VERDICT_SCORE = "spam.score";
    public static final String VERDICT_ACTION = "spam.action";
    public static final String VERDICT_SYMBOLS = "spam.symbols";

    private final RspamdClient rspamd;
    private final SpamSettings settings;
    private final MailQuarantine quarantine;

    @Inject
    public ScanForSpam(RspamdClient rspamd, SpamSettings settings, MailQuarantine quarantine) {
        this.rspamd = rspamd;
        this.settings = settings;
        this.quarantine = quarantine;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String pipelineId = PipelineAttributes.requirePipelineId(mail, getClass().getSimpleName());
        long size = MimeMessageUtil.getMessageSize(mail.getMessage());
        if (size > settings.maxMessageBytes()) {
            LOGGER.info("{}: {} bytes, over {}: not scanned for spam, tagged unchecked", pipelineId, size, settings.maxMessageBytes());
            markUnchecked(mail, "larger than " + settings.maxMessageBytes() + " bytes, not scanned");
            return;
        }
        SpamCheck check;
        try {
            check = rspamd.check(envelope(mail, pipelineId), bytes(mail, size));
        } catch (ScannerUnavailableException e) {
            if (!PipelineAttributes.isLastAttempt(mail)) {
                throw new MessagingException("Spam scan of " + pipelineId + " failed, the stage retries: " + e.getMessage(), e);
            }
            applyFailurePolicy(mail, pipelineId, e.getMessage());
            return;
        }
        HeaderFieldEdits.remove(mail, SpamHeaders.forged());
        HeaderFieldEdits.prepend(mail, SpamHeaders.scanned(check));
        PipelineAttributes.setVerdict(mail, VERDICT, check.isSpam() ? "yes" : "no");
        PipelineAttributes.setVerdict(mail, VERDICT_SCORE, SpamHeaders.format(check.score()));
        PipelineAttributes.setVerdict(mail, VERDICT_ACTION, check.action());
        PipelineAttributes.setVerdict(mail, VERDICT_SYMBOLS, SpamHeaders.symbols(check.symbols()));
        if (check.isSpam()) {
            List<MailAddress> quarantined = mail.getRecipients().stream()
                .filter(recipient -> settings.policyFor(recipient.getDomain()) == SpamPolicy.QUARANTINE)
                .toList();
            quarantine.quarantineAndDrop(mail, quarantined, "spam: score " + SpamHeaders.format(check.score()) + "/"
                + SpamHeaders.format(check.requiredScore()) + ", action " + check.action() + ", symbols "
                + SpamHeaders.symbols(check.symbols()));
        }
    }

    private void applyFailurePolicy(Mail mail, String pipelineId, String reason) throws MessagingException {
        LOGGER.warn("{}: spam scan failed on the last attempt ({}); failure policy {}", pipelineId, reason,
            settings.failurePolicy().name().toLowerCase(Locale.ROOT));
        markUnchecked(mail, "scanner unavailable: " + reason);
        if (settings.failurePolicy() == ScanFailurePolicy.QUARANTINE) {
            quarantine.quarantineAndDrop(mail, mail.getRecipients(), "spam scan failed: " + reason);
        }
    }

    private static void markUnchecked(Mail mail, String reason) throws MessagingException {
        HeaderFieldEdits.remove(mail, SpamHeaders.forged());
        HeaderFieldEdits.prepend(mail, SpamHeaders.unchecked(reason));
        PipelineAttributes.setVerdict(mail, VERDICT, "unchecked");
    }

    private static RspamdClient.ScanEnvelope envelope(Mail mail, String pipelineId) {
        Optional<String> helo = attribute(mail, Mail.SMTP_HELO);
        Optional<String> authUser = attribute(mail, Mail.SMTP_AUTH_USER);
        return new RspamdClient.ScanEnvelope(pipelineId, mail.getRemoteAddr(), helo.orElse(null),
            MailParts.sender(mail), mail.getRecipients().stream().map(MailAddress::asString).toList(), authUser.orElse(null));
    }

    private static Optional<String> attribute(Mail mail, AttributeName name) {
        return mail.getAttribute(name).map(attribute -> attribute.getValue().value())
            .filter(String.class::isInstance).map(String.class::cast);
    }

    private static RspamdClient.MessageBytes bytes(Mail mail, long size) {
        return new RspamdClient.MessageBytes() {
            @Override
            public InputStream open() throws IOException {
                try {
                    return new MimeMessageInputStream(mail.getMessage());
                } catch (MessagingException e) {
                    throw new IOException("cannot read message " + mail.getName() + ": " + e.getMessage(), e);
                }
            }

            @Override
            public long size() {
                return size;
            }
        };
    }

    @Override
    public String getMailetInfo() {
        return "Scans mail with Rspamd and applies the per-domain spam policy";
    }
}
