package dev.jamespipeline.mailets;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.OutboundJob;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKeys;
import dev.jamespipeline.core.store.StoredBlob;

/**
 * The routing stage's remote branch: stores the message as routed (Bcc removed, headers added
 * by earlier mailets) and publishes one confirmed {@code outbound.deliver} job for its remote
 * recipients, then records them in the ledger and ends processing.
 *
 * <p>Order matters: publish, then record. A crash in between re-publishes on redelivery (a
 * duplicate with the same job id, which the outbound consumer drops) rather than losing the job.
 */
public class QueueOutboundDelivery extends GenericMailet {
    private final MessageStore store;
    private final EventPublisher events;
    private final DeliveryLedger ledger;
    private final Clock clock;

    @Inject
    public QueueOutboundDelivery(MessageStore store, EventPublisher events, DeliveryLedger ledger, Clock clock) {
        this.store = store;
        this.events = events;
        this.ledger = ledger;
        this.clock = clock;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String pipelineId = PipelineAttributes.requirePipelineId(mail, getClass().getSimpleName());
        try {
            List<String> recipients = new ArrayList<>();
            for (MailAddress recipient : mail.getRecipients()) {
                if (!ledger.contains(pipelineId, LedgerEntry.outboundQueued(recipient.asString()))) {
                    recipients.add(recipient.asString());
                }
            }
            if (!recipients.isEmpty()) {
                StoredBlob blob = store.write(StorageKeys.outbound(pipelineId),
                    out -> MailParts.writeMessage(mail, out));
                String jobId = pipelineId + "-outbound";
                OutboundJob job = new OutboundJob(OutboundJob.VERSION, jobId, pipelineId,
                    ReceivedEnvelope.StorageRef.of(blob), MailParts.sender(mail), recipients, clock.instant());
                events.outbound(job);
                for (String recipient : recipients) {
                    ledger.record(pipelineId, LedgerEntry.outboundQueued(recipient));
                }
            }
        } catch (IOException | PublishException e) {
            throw new MessagingException("Queueing outbound delivery of " + pipelineId + " failed: " + e.getMessage(), e);
        }
        mail.setState(Mail.GHOST);
    }

    @Override
    public String getMailetInfo() {
        return "Publishes an outbound.deliver job for remote recipients";
    }
}
