package dev.jamespipeline.mailets;

import java.io.IOException;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;

/**
 * Put after a {@code Bounce} (with {@code passThrough=true}): records that these recipients were
 * bounced, so a redelivered event does not bounce them twice, and ends processing.
 */
public class RecordBounced extends GenericMailet {
    private final DeliveryLedger ledger;

    @Inject
    public RecordBounced(DeliveryLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String pipelineId = PipelineAttributes.requirePipelineId(mail, getClass().getSimpleName());
        try {
            for (MailAddress recipient : mail.getRecipients()) {
                ledger.record(pipelineId, LedgerEntry.bounced(recipient.asString()));
            }
        } catch (IOException e) {
            throw new MessagingException("Delivery ledger unavailable: " + e.getMessage(), e);
        }
        mail.setState(Mail.GHOST);
    }

    @Override
    public String getMailetInfo() {
        return "Records bounced recipients in the delivery ledger";
    }
}
