package dev.jamespipeline.mailets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.InvalidEnvelopeException;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKeys;
import dev.jamespipeline.core.store.StoredBlob;

/**
 * Ends every stage processor except the last one: stores the message as this stage left it,
 * publishes the envelope (current recipients, verdicts gathered so far) to the next stage,
 * confirmed, and ends processing here. A stage that should stop the mail simply never reaches it.
 */
public class PassToNextStage extends GenericMailet {
    private final MessageStore store;
    private final EventPublisher events;
    private final PipelineConfiguration configuration;
    private final EnvelopeCodec codec;

    @Inject
    public PassToNextStage(MessageStore store, EventPublisher events, PipelineConfiguration configuration,
                           EnvelopeCodec codec) {
        this.store = store;
        this.events = events;
        this.configuration = configuration;
        this.codec = codec;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        ReceivedEnvelope current = currentEnvelope(mail);
        String next = configuration.stageAfter(current.stage());
        if (next == null) {
            throw new MessagingException("Stage '" + current.stage() + "' is the last one in pipeline.properties "
                + PipelineConfiguration.STAGES + "; it must not end with " + getClass().getSimpleName());
        }
        try {
            // A stable key: a retried stage overwrites its own output instead of leaving another copy.
            StoredBlob blob = store.write(StorageKeys.stageHandoff(current.pipelineId(), next),
                out -> MailParts.writeMessage(mail, out));
            ReceivedEnvelope handoff = new ReceivedEnvelope(ReceivedEnvelope.VERSION, current.pipelineId(),
                current.domain(), ReceivedEnvelope.StorageRef.of(blob), current.sender(), MailParts.recipients(mail),
                current.clientIp(), current.helo(), current.authUser(), current.relayAllowed(), current.receivedAt(),
                next, verdicts(mail, current));
            events.handedOff(handoff);
        } catch (IOException | PublishException e) {
            throw new MessagingException("Hand-off of " + current.pipelineId() + " to stage " + next + " failed: "
                + e.getMessage(), e);
        }
        mail.setState(Mail.GHOST);
    }

    private ReceivedEnvelope currentEnvelope(Mail mail) throws MessagingException {
        Object json = mail.getAttribute(PipelineAttributes.ENVELOPE).map(a -> a.getValue().value()).orElse(null);
        if (!(json instanceof String text)) {
            throw new MessagingException(getClass().getSimpleName() + " runs only in pipeline stage processors");
        }
        try {
            return codec.decodeReceived(text.getBytes(StandardCharsets.UTF_8));
        } catch (InvalidEnvelopeException e) {
            throw new MessagingException("Stage envelope attribute is invalid: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> verdicts(Mail mail, ReceivedEnvelope current) {
        Map<String, String> verdicts = new HashMap<>(current.verdicts());
        mail.attributes()
            .filter(attribute -> attribute.getName().asString().startsWith(PipelineAttributes.VERDICT_PREFIX))
            .forEach(attribute -> verdicts.put(
                attribute.getName().asString().substring(PipelineAttributes.VERDICT_PREFIX.length()),
                String.valueOf(attribute.getValue().value())));
        return verdicts;
    }

    @Override
    public String getMailetInfo() {
        return "Hands the mail to the next pipeline stage";
    }
}
