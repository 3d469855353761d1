package dev.jamespipeline.mailets;

import java.util.Optional;
import java.util.TreeSet;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.ingest.IngestException;
import dev.jamespipeline.core.ingest.IngestRequest;
import dev.jamespipeline.core.ingest.MailIngestor;

/**
 * For the {@code root} processor: hands mail that entered James other than through SMTP
 * (bounces, forwards, WebAdmin, mail sent by mailets) to the pipeline, exactly as the SMTP hook
 * does, then ends its spool processing. Configure it with {@code onMailetException="propagate"}
 * so a broker outage leaves the mail in the spool for James to retry.
 *
 * <p>Mail derived from a pipeline message (it still carries the pipeline id attribute, as
 * forwards do) gets an id derived from its parent and recipients, so if the parent's stage is
 * retried the derived message has the same id and the ledger drops the repeat.
 */
public class AnnounceToPipeline extends GenericMailet {
    private final MailIngestor ingestor;

    @Inject
    public AnnounceToPipeline(MailIngestor ingestor) {
        this.ingestor = ingestor;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        if (mail.getRecipients().isEmpty()) {
            mail.setState(Mail.GHOST);
            return;
        }
        Optional<String> derivedId = PipelineAttributes.pipelineId(mail)
            .map(parent -> PipelineIds.derived(parent, "derived:" + new TreeSet<>(MailParts.recipients(mail))));
        IngestRequest request = new IngestRequest(
            derivedId,
            MailParts.sender(mail),
            MailParts.recipients(mail),
            mail.getRemoteAddr(),
            null,
            null,
            // Mail created inside James is trusted to relay, as James's own SentByMailet matcher does.
            true,
            out -> MailParts.writeMessage(mail, out));
        try {
            ReceivedEnvelope envelope = ingestor.ingest(request);
            log("Mail " + mail.getName() + " handed to the pipeline as " + envelope.pipelineId());
            mail.setState(Mail.GHOST);
        } catch (IngestException e) {
            throw new MessagingException("Pipeline did not take mail " + mail.getName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Hands spooled mail to the RabbitMQ pipeline";
    }
}
