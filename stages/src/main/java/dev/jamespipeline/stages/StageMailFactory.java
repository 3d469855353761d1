package dev.jamespipeline.stages;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.server.core.MailImpl;
import org.apache.james.transport.matchers.SMTPIsAuthNetwork;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.core.store.StoredBlob;
import dev.jamespipeline.mailets.PipelineAttributes;
import dev.jamespipeline.mailets.StoredMessageSource;

/**
 * Rebuilds the James {@link Mail} a stage processor works on from an envelope and the stored
 * bytes, with the attributes James's SMTP server would have set (remote address, HELO, auth
 * user, relay permission), so James's own matchers behave inside stages as they do in root.
 */
public final class StageMailFactory {
    private final MessageStore store;

    @Inject
    public StageMailFactory(MessageStore store) {
        this.store = store;
    }

    /**
     * Verifies the stored bytes against the envelope first: a corrupt or missing message is never processed.
     *
     * @param envelopeJson the envelope as it arrived, kept on the mail for {@code PassToNextStage}
     * @param attempt      which attempt of the stage this is
     */
    public MailImpl create(ReceivedEnvelope envelope, String envelopeJson, StageAttempt attempt)
            throws MessagingException, IOException {
        StoredBlob blob = new StoredBlob(new StorageKey(envelope.storage().key()), envelope.storage().sha256(),
            envelope.storage().size());
        store.verify(blob);
        List<MailAddress> recipients = new ArrayList<>();
        for (String recipient : envelope.recipients()) {
            recipients.add(new MailAddress(recipient));
        }
        MailImpl.Builder builder = MailImpl.builder()
            .name(envelope.pipelineId())
            .sender(envelope.sender().isEmpty() ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(envelope.sender())))
            .addRecipients(recipients)
            .state(envelope.stage())
            .addAttribute(SMTPIsAuthNetwork.makeAttribute(envelope.relayAllowed()))
            .addAttribute(new Attribute(PipelineAttributes.ENVELOPE, AttributeValue.of(envelopeJson)))
            .addAttribute(new Attribute(PipelineAttributes.ATTEMPT, AttributeValue.of(attempt.failedSoFar())))
            .addAttribute(new Attribute(PipelineAttributes.LAST_ATTEMPT, AttributeValue.of(attempt.last())));
        if (envelope.clientIp() != null) {
            builder.remoteAddr(envelope.clientIp()).remoteHost(envelope.clientIp());
        }
        if (envelope.helo() != null) {
            builder.addAttribute(new Attribute(Mail.SMTP_HELO, AttributeValue.of(envelope.helo())));
        }
        if (envelope.authUser() != null) {
            builder.addAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(envelope.authUser())));
        }
        MailImpl mail = builder.build();
        // Not the builder's mimeMessage(): it copies the message through writeTo, which re-encodes the headers.
        mail.setMessageContent(new StoredMessageSource(store, blob));
        PipelineAttributes.setPipelineId(mail, envelope.pipelineId());
        envelope.verdicts().forEach((name, value) -> PipelineAttributes.setVerdict(mail, name, value));
        return mail;
    }
}
