package dev.jamespipeline.mailets;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Collection;
import java.util.List;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.domainlist.api.DomainList;
import org.apache.james.rrt.api.RecipientRewriteTable;
import org.apache.james.rrt.api.RecipientRewriteTableException;
import org.apache.james.transport.mailets.RecipientRewriteTableProcessor;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;

/**
 * James's recipient rewriting ({@link RecipientRewriteTableProcessor}, as its
 * {@code RecipientRewriteTable} mailet runs it), except that a table that cannot be read fails the
 * stage attempt instead of sending the recipient to {@code errorProcessor}: James catches
 * {@link RecipientRewriteTableException} (what the JPA table throws when PostgreSQL is unreachable)
 * per recipient and treats it like a permanent error, so the stage would see success and nothing
 * would retry the mail. A genuine rewrite error ({@link RecipientRewriteTable.ErrorMappingException}:
 * an error mapping, a loop) still goes to {@code errorProcessor}, as with James's mailet.
 */
public class RewriteRecipients extends GenericMailet {
    private static final String ERROR_PROCESSOR = "errorProcessor";

    private final RecipientRewriteTable recipientRewriteTable;
    private final DomainList domainList;
    private RecipientRewriteTableProcessor processor;
    private ProcessingState errorProcessor;

    @Inject
    public RewriteRecipients(RecipientRewriteTable recipientRewriteTable, DomainList domainList) {
        this.recipientRewriteTable = recipientRewriteTable;
        this.domainList = domainList;
    }

    @Override
    public void init() {
        errorProcessor = new ProcessingState(getInitParameter(ERROR_PROCESSOR, Mail.ERROR));
        processor = new RecipientRewriteTableProcessor(failingOnUnreadableTable(recipientRewriteTable), domainList,
            getMailetContext(), errorProcessor);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        try {
            processor.processMail(mail);
        } catch (TableUnreadable e) {
            throw new MessagingException("Recipient rewrite table unreadable: " + e.unreadable.getMessage(), e.unreadable);
        }
    }

    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        return List.of(errorProcessor);
    }

    /**
     * The same table, whose {@link RecipientRewriteTableException}s leave James's per-recipient catch
     * unchecked. Every method forwards, so a proxy rather than a forwarding class of 40 methods.
     */
    private static RecipientRewriteTable failingOnUnreadableTable(RecipientRewriteTable table) {
        return (RecipientRewriteTable) Proxy.newProxyInstance(RecipientRewriteTable.class.getClassLoader(),
            new Class<?>[] {RecipientRewriteTable.class}, (proxy, method, args) -> {
                try {
                    return method.invoke(table, args);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof RecipientRewriteTableException unreadable) {
                        throw new TableUnreadable(unreadable);
                    }
                    throw e.getCause();
                }
            });
    }

    private static final class TableUnreadable extends RuntimeException {
        private final RecipientRewriteTableException unreadable;

        TableUnreadable(RecipientRewriteTableException unreadable) {
            super(unreadable);
            this.unreadable = unreadable;
        }
    }
}
