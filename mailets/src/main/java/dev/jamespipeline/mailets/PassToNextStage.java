package dev.jamespipeline.mailets;

import java.io.IOException;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;

/**
 * Ends every stage processor except the last one: stores the message as this stage left it,
 * publishes the envelope (current recipients, verdicts gathered so far) to the next stage,
 * confirmed, and ends processing here. A stage that should stop the mail simply never reaches it.
 */
public class PassToNextStage extends GenericMailet {
    private final StageHandOff handOff;
    private final PipelineConfiguration configuration;
    private final EnvelopeCodec codec;

    @Inject
    public PassToNextStage(StageHandOff handOff, PipelineConfiguration configuration, EnvelopeCodec codec) {
        this.handOff = handOff;
        this.configuration = configuration;
        this.codec = codec;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        ReceivedEnvelope current = PipelineAttributes.envelope(mail, codec, getClass().getSimpleName());
        String next = configuration.stageAfter(current.stage());
        if (next == null) {
            throw new MessagingException("Stage '" + current.stage() + "' is the last one in pipeline.properties "
                + PipelineConfiguration.STAGES + "; it must not end with " + getClass().getSimpleName());
        }
        try {
            handOff.handOff(current, current.pipelineId(), next, MailParts.recipients(mail),
                PipelineAttributes.verdicts(mail, current), out -> MailParts.writeMessage(mail, out));
        } catch (IOException | PublishException e) {
            throw new MessagingException("Hand-off of " + current.pipelineId() + " to stage " + next + " failed: "
                + e.getMessage(), e);
        }
        mail.setState(Mail.GHOST);
    }

    @Override
    public String getMailetInfo() {
        return "Hands the mail to the next pipeline stage";
    }
}
