package dev.jamespipeline.it;

import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.core.quota.QuotaSizeLimit;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MailboxMetaData;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.apache.james.mailbox.quota.MaxQuotaManager;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.apache.james.mpt.api.ImapFeatures;
import org.apache.james.mpt.api.ImapFeatures.Feature;
import org.apache.james.mpt.host.JamesImapHostSystem;
import org.apache.james.user.api.UsersRepository;
import org.apache.james.utils.GuiceProbe;

import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;

/**
 * James's IMAP protocol scripts (MPT) against the IMAP stack a running James of ours binds: its IMAP
 * decoder, processor and encoder, mailbox manager, users and quotas, so the scripts' commands raise the
 * same mailbox events, reach the same listeners and indexer, and are searched by the same
 * {@code MessageSearchIndex} as a client's on the IMAP port. Scripts are fed in process, as James's own
 * host systems feed them, so the greeting and capabilities are the scripts', not the shipped
 * imapserver.xml's.
 *
 * <p>The scripts' user has no domain: the James it runs on must have virtual hosting off. Each test
 * starts without the users (and their mailboxes) the previous one added ({@link #beforeTest}).
 */
final class ServerImapHostSystem extends JamesImapHostSystem {
    /** What the server binds: its mailbox manager's namespaces, MOVE, user flags, quotas, annotations, CONDSTORE. */
    private static final ImapFeatures SUPPORTED_FEATURES = ImapFeatures.of(Feature.NAMESPACE_SUPPORT,
        Feature.MOVE_SUPPORT,
        Feature.USER_FLAGS_SUPPORT,
        Feature.QUOTA_SUPPORT,
        Feature.ANNOTATION_SUPPORT,
        Feature.MOD_SEQ_SEARCH);

    private final ImapStackProbe stack;
    private final Set<Username> addedUsers = new HashSet<>();

    ServerImapHostSystem(ImapStackProbe stack) {
        this.stack = stack;
    }

    @Override
    public void beforeTest() throws Exception {
        configure(stack.decoder, stack.encoder, stack.processor);
        for (Username user : addedUsers) {
            removeUserAndMailboxes(user);
        }
        addedUsers.clear();
    }

    /** What a previous test left: the user's mailboxes (their deletion reaches the index as in the server) and the user. */
    private void removeUserAndMailboxes(Username user) throws Exception {
        MailboxSession session = stack.mailboxManager.createSystemSession(user);
        List<MailboxMetaData> mailboxes = stack.mailboxManager.search(MailboxQuery.privateMailboxesBuilder(session).build(), session)
            .collectList().block();
        // Children before their parents.
        mailboxes.sort(Comparator.comparingInt((MailboxMetaData mailbox) -> mailbox.getPath().getName().length()).reversed());
        for (MailboxMetaData mailbox : mailboxes) {
            stack.mailboxManager.deleteMailbox(mailbox.getPath(), session);
        }
        stack.mailboxManager.endProcessingRequest(session);
        if (stack.users.contains(user)) {
            stack.users.removeUser(user);
        }
    }

    @Override
    public boolean addUser(Username user, String password) throws Exception {
        addedUsers.add(user);
        stack.users.addUser(user, password);
        return true;
    }

    @Override
    protected MailboxManager getMailboxManager() {
        return stack.mailboxManager;
    }

    @Override
    public boolean supports(Feature... features) {
        return SUPPORTED_FEATURES.supports(features);
    }

    @Override
    public void setQuotaLimits(QuotaCountLimit maxMessageQuota, QuotaSizeLimit maxStorageQuota) throws Exception {
        stack.maxQuotas.setGlobalMaxMessage(maxMessageQuota);
        stack.maxQuotas.setGlobalMaxStorage(maxStorageQuota);
    }

    @Override
    protected void await() {
        // Deliberately nothing: SEARCH must be exact straight after APPEND, STORE and EXPUNGE (issue 11),
        // never after waiting for the indexer.
    }

    /** The IMAP stack and the state behind it, from a James's injector. */
    public static final class ImapStackProbe implements GuiceProbe {
        /** Binds the probe: pass to {@link PipelineJames#start} or {@link PipelineJamesExtension#override}. */
        static final Module MODULE = binder -> Multibinder.newSetBinder(binder, GuiceProbe.class).addBinding().to(ImapStackProbe.class);

        private final ImapDecoder decoder;
        private final ImapEncoder encoder;
        private final ImapProcessor processor;
        private final MailboxManager mailboxManager;
        private final UsersRepository users;
        private final MaxQuotaManager maxQuotas;
        private final MessageSearchIndex searchIndex;

        @Inject
        public ImapStackProbe(ImapDecoder decoder, ImapEncoder encoder, ImapProcessor processor, MailboxManager mailboxManager,
                              UsersRepository users, MaxQuotaManager maxQuotas, MessageSearchIndex searchIndex) {
            this.decoder = decoder;
            this.encoder = encoder;
            this.processor = processor;
            this.mailboxManager = mailboxManager;
            this.users = users;
            this.maxQuotas = maxQuotas;
            this.searchIndex = searchIndex;
        }

        /** What answers the scripts' SEARCH commands. */
        MessageSearchIndex searchIndex() {
            return searchIndex;
        }
    }
}
