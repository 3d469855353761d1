package dev.jamespipeline.mailets;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import javax.inject.Inject;
import javax.inject.Named;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.server.core.MimeMessageWrapper;
import org.apache.james.transport.mailets.delivery.MailboxAppenderImpl;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.user.api.UsersRepositoryException;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.apache.mailet.StorageDirective;
import org.apache.mailet.base.GenericMailet;

import dev.jamespipeline.core.PipelineHeaders;
import reactor.core.Exceptions;

/**
 * Local delivery that stores exactly the bytes the pipeline received, with the headers it adds
 * (Return-Path, the per-recipient headers such as Delivered-To, the pipeline id) prepended as
 * raw lines, as Postfix's local delivery does. Sieve's folder choice is honoured.
 *
 * <p>It replaces James's {@code LocalDelivery}, whose {@code MailDispatcher} sets Return-Path on
 * the message: from then on James writes the headers through javax.mail (8-bit bytes become '?')
 * and {@code writeTo} calls {@code saveChanges}, which parses the whole MIME tree. Here James's
 * own {@link MailboxAppenderImpl} gets a fresh, unmodified {@link MimeMessageWrapper} and
 * streams its source as it is.
 *
 * <p>The pipeline id header comes first, so the mailbox listener finds it before any header of
 * that name the sender wrote. Failures propagate (configure {@code onMailetException="propagate"}):
 * the stage retries through its delay queues. {@code consume=false} keeps the mail going after
 * delivery.
 */
public class DeliverAsReceived extends GenericMailet {
    private static final String CRLF = "\r\n";
    /**
     * An Error inside James's reactive append (Reactor rethrows it on its worker) leaves the append
     * without a signal: bounded, the stage fails and retries instead of hanging its consumer.
     */
    private static final Duration APPEND_TIMEOUT = Duration.ofMinutes(5);

    private final UsersRepository usersRepository;
    private final MailboxManager mailboxManager;
    private MailboxAppenderImpl appender;
    private boolean consume;

    @Inject
    public DeliverAsReceived(UsersRepository usersRepository, @Named("mailboxmanager") MailboxManager mailboxManager) {
        this.usersRepository = usersRepository;
        this.mailboxManager = mailboxManager;
    }

    @Override
    public void init() {
        appender = new MailboxAppenderImpl(mailboxManager);
        consume = getInitParameter("consume", true);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String pipelineId = PipelineAttributes.requirePipelineId(mail, getClass().getSimpleName());
        MailMessageSource received = new MailMessageSource(mail.getMessage(), mail.getName());
        for (MailAddress recipient : mail.getRecipients()) {
            Username user = username(recipient);
            MimeMessageWrapper delivered = new MimeMessageWrapper(
                new PrefixedMessageSource(prependedHeaders(mail, recipient, pipelineId), received));
            StorageDirective directive = StorageDirective.fromMail(user, mail).withDefaultFolder(MailboxConstants.INBOX);
            try {
                appender.append(delivered, user, directive).block(APPEND_TIMEOUT);
            } catch (RuntimeException e) {
                Throwable cause = Exceptions.unwrap(e);
                throw new MessagingException("Delivery of " + pipelineId + " to " + recipient.asString() + " failed: "
                    + cause.getMessage(), cause instanceof Exception exception ? exception : e);
            }
        }
        if (consume) {
            mail.setState(Mail.GHOST);
        }
    }

    private Username username(MailAddress recipient) throws MessagingException {
        try {
            return usersRepository.getUsername(recipient);
        } catch (UsersRepositoryException e) {
            throw new MessagingException("Cannot resolve the user of " + recipient.asString() + ": " + e.getMessage(), e);
        }
    }

    private static byte[] prependedHeaders(Mail mail, MailAddress recipient, String pipelineId) {
        StringBuilder lines = new StringBuilder();
        headerLine(lines, PipelineHeaders.PIPELINE_ID, pipelineId);
        headerLine(lines, "Return-Path", mail.getMaybeSender().asPrettyString());
        for (PerRecipientHeaders.Header header : mail.getPerRecipientSpecificHeaders().getHeadersForRecipient(recipient)) {
            headerLine(lines, header.getName(), header.getValue());
        }
        return lines.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Values come from the envelope and configuration: line breaks would forge header lines. */
    private static void headerLine(StringBuilder lines, String name, String value) {
        lines.append(name).append(": ").append(value.replaceAll("[\r\n]+", " ")).append(CRLF);
    }

    @Override
    public String getMailetInfo() {
        return "Delivers the received bytes, with prepended headers, to local mailboxes";
    }
}
