package dev.jamespipeline.security.quarantine;

import java.io.IOException;
import java.time.Clock;
import java.util.Collection;
import java.util.Optional;
import java.util.TreeSet;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;

import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.MailQuarantined;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.StoredBlob;
import dev.jamespipeline.mailets.MailParts;
import dev.jamespipeline.mailets.PipelineAttributes;

/**
 * The quarantine the security stages call: keeps the mail in the {@link QuarantineRepository} under an id
 * derived from the pipeline id, the stage and the reason, then announces {@code mail.quarantined}, confirmed.
 * The same stage attempt quarantining again for the same reason (other recipients) adds its recipients to the
 * same entry; a later attempt's decision replaces an earlier attempt's, so a retried stage keeps one copy, for
 * the recipients it decided on last.
 */
public final class RepositoryMailQuarantine implements MailQuarantine {
    static final int MAX_REASON_LENGTH = 1000;

    private final QuarantineRepository repository;
    private final EventPublisher events;
    private final EnvelopeCodec codec;
    private final Clock clock;

    @Inject
    public RepositoryMailQuarantine(QuarantineRepository repository, EventPublisher events, EnvelopeCodec codec,
                                    Clock clock) {
        this.repository = repository;
        this.events = events;
        this.codec = codec;
        this.clock = clock;
    }

    @Override
    public String quarantine(Mail mail, Collection<MailAddress> recipients, String reason) throws MessagingException {
        if (recipients.isEmpty()) {
            throw new MessagingException("nothing to quarantine: no recipients given for mail " + mail.getName());
        }
        if (reason == null || reason.isBlank()) {
            throw new MessagingException("a quarantine needs a reason (mail " + mail.getName() + ")");
        }
        if (!mail.getRecipients().containsAll(recipients)) {
            throw new MessagingException("cannot quarantine mail " + mail.getName() + " for " + recipients
                + ": not all of them are its recipients " + mail.getRecipients());
        }
        return keep(mail, recipients, readable(reason));
    }

    private String keep(Mail mail, Collection<MailAddress> recipients, String reason) throws MessagingException {
        ReceivedEnvelope envelope = PipelineAttributes.envelope(mail, codec, "the quarantine");
        String id = QuarantineIds.of(envelope.pipelineId(), envelope.stage(), reason);
        int attempt = mail.getAttribute(PipelineAttributes.ATTEMPT).map(attribute -> attribute.getValue().value())
            .filter(Integer.class::isInstance).map(Integer.class::cast).orElse(0);
        TreeSet<String> kept = new TreeSet<>();
        recipients.forEach(recipient -> kept.add(recipient.asString()));
        Optional<QuarantinedMail> earlier = repository.find(id);
        earlier.filter(entry -> entry.attempt() == attempt).ifPresent(entry -> kept.addAll(entry.recipients()));
        try {
            StoredBlob message = repository.writeMessage(id, out -> MailParts.writeMessage(mail, out));
            QuarantinedMail entry = new QuarantinedMail(id, envelope.pipelineId(), reason, envelope.stage(),
                envelope.sender(), kept.stream().toList(), clock.instant(), attempt,
                PipelineAttributes.verdicts(mail, envelope), envelope, message);
            repository.keep(entry);
            events.quarantined(new MailQuarantined(MailQuarantined.VERSION, id, entry.pipelineId(), entry.sender(),
                entry.recipients(), reason, entry.stage(), entry.quarantinedAt(), message.size()));
        } catch (IOException | PublishException e) {
            throw new MessagingException("Quarantine of " + envelope.pipelineId() + " (" + reason + ") failed: "
                + e.getMessage(), e);
        }
        return id;
    }

    /** A reason may quote a scanner's reply: one line, bounded, for the operator and the event. */
    static String readable(String reason) {
        String oneLine = reason.strip().replaceAll("\\p{Cntrl}", " ");
        return oneLine.length() > MAX_REASON_LENGTH ? oneLine.substring(0, MAX_REASON_LENGTH) + "..." : oneLine;
    }
}
