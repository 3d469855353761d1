package dev.jamespipeline.mailets;

import javax.mail.MessagingException;

import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.core.PipelineHeaders;

/**
 * Put right before {@code LocalDelivery}: writes the pipeline id into the copy stored in the
 * mailbox (replacing any forged one), so the mailbox listener can record the delivery in the
 * ledger and announce it with its pipeline id.
 */
public class AddPipelineIdHeader extends GenericMailet {

    @Override
    public void service(Mail mail) throws MessagingException {
        String pipelineId = PipelineAttributes.requirePipelineId(mail, getClass().getSimpleName());
        mail.getMessage().setHeader(PipelineHeaders.PIPELINE_ID, pipelineId);
        mail.getMessage().saveChanges();
    }

    @Override
    public String getMailetInfo() {
        return "Adds the pipeline id header to locally delivered copies";
    }
}
