package dev.jamespipeline.mailets;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;

/**
 * First routing step after recipient rewriting: removes every recipient the ledger says this
 * pipeline message already reached (delivered, queued for outbound, or bounced), and ends
 * processing when none is left. This is what makes a redelivered event harmless.
 */
public class DropHandledRecipients extends GenericMailet {
    private final DeliveryLedger ledger;
    private final UsersRepository usersRepository;

    @Inject
    public DropHandledRecipients(DeliveryLedger ledger, UsersRepository usersRepository) {
        this.ledger = ledger;
        this.usersRepository = usersRepository;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String pipelineId = PipelineAttributes.requirePipelineId(mail, getClass().getSimpleName());
        List<MailAddress> remaining = new ArrayList<>();
        for (MailAddress recipient : mail.getRecipients()) {
            if (!alreadyHandled(pipelineId, recipient)) {
                remaining.add(recipient);
            }
        }
        if (remaining.size() != mail.getRecipients().size()) {
            log("Pipeline message " + pipelineId + ": " + (mail.getRecipients().size() - remaining.size())
                + " recipient(s) already handled, not handling them again");
        }
        mail.setRecipients(remaining);
        if (remaining.isEmpty()) {
            mail.setState(Mail.GHOST);
        }
    }

    private boolean alreadyHandled(String pipelineId, MailAddress recipient) throws MessagingException {
        try {
            String address = recipient.asString();
            return ledger.contains(pipelineId, LedgerEntry.delivered(usersRepository.getUsername(recipient).asString()))
                || ledger.contains(pipelineId, LedgerEntry.outboundQueued(address))
                || ledger.contains(pipelineId, LedgerEntry.bounced(address));
        } catch (IOException | UsersRepositoryException e) {
            throw new MessagingException("Delivery ledger unavailable: " + e.getMessage(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Drops recipients this pipeline message already reached";
    }
}
