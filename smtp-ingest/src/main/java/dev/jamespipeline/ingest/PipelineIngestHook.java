package dev.jamespipeline.ingest;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.dsn.DSNStatus;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.smtpserver.JamesMessageHook;
import org.apache.mailet.Mail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.ingest.IngestException;
import dev.jamespipeline.core.ingest.IngestRequest;
import dev.jamespipeline.core.ingest.MailIngestor;
import dev.jamespipeline.mailets.MailParts;

/**
 * SMTP DATA hook: the pipeline takes the message durably (store fsync + confirmed
 * {@code mail.received}) before the client sees 250; any failure is a 451 4.3.0.
 * Answering OK here replaces James's own spool enqueue, which is right only because the
 * pipeline has taken responsibility at that point.
 */
public class PipelineIngestHook implements JamesMessageHook {
    private static final Logger LOGGER = LoggerFactory.getLogger(PipelineIngestHook.class);

    private final MailIngestor ingestor;

    @Inject
    public PipelineIngestHook(MailIngestor ingestor) {
        this.ingestor = ingestor;
    }

    @Override
    public HookResult onMessage(SMTPSession session, Mail mail) {
        // The bytes must be copied now: James disposes the mail once the hook chain returns.
        IngestRequest request = new IngestRequest(
            Optional.empty(),
            MailParts.sender(mail),
            MailParts.recipients(mail),
            session.getRemoteAddress().getAddress().getHostAddress(),
            session.getAttachment(SMTPSession.CURRENT_HELO_NAME, ProtocolSession.State.Connection).orElse(null),
            session.getUsername() == null ? null : session.getUsername().asString(),
            session.isRelayingAllowed(),
            out -> MailParts.writeMessage(mail, out));
        try {
            ReceivedEnvelope envelope = ingestor.ingest(request);
            return HookResult.builder()
                .hookReturnCode(HookReturnCode.ok())
                .smtpDescription(DSNStatus.getStatus(DSNStatus.SUCCESS, DSNStatus.CONTENT_OTHER)
                    + " Message received, queued as " + envelope.pipelineId())
                .build();
        } catch (IngestException | RuntimeException e) {
            LOGGER.warn("Tempfailing message from {} for {}: {}", request.sender(), request.recipients(), e.getMessage());
            return HookResult.builder()
                .hookReturnCode(HookReturnCode.denySoft())
                .smtpReturnCode("451")
                .smtpDescription(DSNStatus.getStatus(DSNStatus.TRANSIENT, DSNStatus.SYSTEM_OTHER)
                    + " Mail pipeline unavailable, please try again later")
                .build();
        }
    }
}
