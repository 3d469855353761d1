package dev.jamespipeline.security.spam;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.mailet.Mail;
import org.apache.mailet.StorageDirective;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.mailets.PipelineAttributes;
import dev.jamespipeline.security.auth.CheckAuthentication;

/**
 * Local delivery's half of the junk policy: mail the spam stage called spam goes into the junk folder of each
 * recipient whose domain's policy is junk, and mail whose DMARC disposition is "quarantine" (RFC 7489: treat
 * as suspicious) into every recipient's junk folder. It runs in the routing stage (the spam stage's mail attributes do not
 * cross stages, its verdicts do), after Sieve and before delivery: a folder a user's own Sieve rule chose wins;
 * INBOX, or no choice, becomes the junk folder. The policy is looked up for the recipient as delivered (after
 * alias rewriting).
 */
public class FileSpamInJunk extends GenericMailet {
    private final SpamSettings settings;
    private final UsersRepository users;

    @Inject
    public FileSpamInJunk(SpamSettings settings, UsersRepository users) {
        this.settings = settings;
        this.users = users;
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        boolean spam = PipelineAttributes.verdict(mail, ScanForSpam.VERDICT).filter("yes"::equals).isPresent();
        boolean dmarcSuspicious = PipelineAttributes.verdict(mail, CheckAuthentication.DMARC_DISPOSITION_VERDICT)
            .filter("quarantine"::equals).isPresent();
        for (MailAddress recipient : mail.getRecipients()) {
            if (!dmarcSuspicious && !(spam && settings.policyFor(recipient.getDomain()) == SpamPolicy.JUNK)) {
                continue;
            }
            Username user = username(recipient);
            boolean userChoseAFolder = StorageDirective.fromMail(user, mail).getTargetFolder()
                .filter(folder -> !folder.equalsIgnoreCase(MailboxConstants.INBOX))
                .isPresent();
            if (!userChoseAFolder) {
                StorageDirective.builder().targetFolder(settings.junkFolder()).build()
                    .encodeAsAttributes(user)
                    .forEach(mail::setAttribute);
            }
        }
    }

    private Username username(MailAddress recipient) throws MessagingException {
        try {
            return users.getUsername(recipient);
        } catch (UsersRepositoryException e) {
            throw new MessagingException("Cannot resolve the user of " + recipient.asString() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Files spam into the junk folder of recipients whose domain's spam policy is junk";
    }
}
