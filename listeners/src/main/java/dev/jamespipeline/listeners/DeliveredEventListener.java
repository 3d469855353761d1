package dev.jamespipeline.listeners;

import java.time.Clock;
import java.util.Iterator;
import java.util.Optional;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.inject.Named;

import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.events.GenericGroup;
import org.apache.james.mailbox.events.MailboxEvents.Added;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.MessageUid;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.PipelineHeaders;
import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.delivery.DeliveryAnnouncer;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.search.IndexBacklog;
import dev.jamespipeline.core.state.StateSettings;

/**
 * For every message added to a mailbox: records pipeline deliveries in the ledger, then publishes
 * a confirmed {@code mail.delivered}. It runs synchronously inside the append, so when
 * {@code LocalDelivery} returns to the stage consumer the ledger already knows; the window in
 * which a crash could cause a duplicate is the time between the append and the ledger write.
 *
 * <p>James's event bus swallows a listener's failure (it retries, dead-letters the event in memory
 * and lets the append succeed), so a pipeline delivery's failure is not thrown but handed to the
 * {@link DeliveryAnnouncer}, where the stage runner of that pipeline id finds it. Each added message is
 * recorded in the {@link IndexBacklog} first, so a SEARCH finds it before the indexer has.
 *
 * <p>With {@code ledger.backend=postgres} it does nothing: the PostgreSQL mailbox's append hook writes
 * DELIVERED, the backlog row and {@code mail.delivered} in the delivery's own transaction.
 */
public class DeliveredEventListener implements EventListener.GroupEventListener {
    public static final Group GROUP = new GenericGroup("pipeline-mail-delivered");

    private final MailboxManager mailboxManager;
    private final DeliveryAnnouncer announcer;
    private final IndexBacklog backlog;
    private final Clock clock;
    private final boolean announcedByTheMailbox;

    @Inject
    public DeliveredEventListener(MailboxManager mailboxManager, DeliveryAnnouncer announcer,
                                  @Named(IndexBacklog.PIPELINE_BINDING) IndexBacklog backlog, Clock clock,
                                  PipelineConfiguration configuration) {
        this.mailboxManager = mailboxManager;
        this.announcer = announcer;
        this.backlog = backlog;
        this.clock = clock;
        this.announcedByTheMailbox = configuration.state().ledgerBackend() == StateSettings.Backend.POSTGRES;
    }

    @Override
    public Group getDefaultGroup() {
        return GROUP;
    }

    @Override
    public boolean isHandling(Event event) {
        return event instanceof Added && !announcedByTheMailbox;
    }

    @Override
    public void event(Event event) throws Exception {
        Added added = (Added) event;
        String owner = added.getMailboxPath().getUser().asString();
        String mailboxId = added.getMailboxId().serialize();
        // The backlog before the announcement: once announced, the indexer may apply it and clear the backlog.
        backlog.record(added.getUids().stream()
            .map(uid -> new IndexBacklog.Change(mailboxId, uid.asLong(), added.getMetaData(uid).getModSeq().asLong()))
            .collect(Collectors.toList()));
        MailboxSession session = mailboxManager.createSystemSession(added.getMailboxPath().getUser());
        try {
            MessageManager mailbox = mailboxManager.getMailbox(added.getMailboxId(), session);
            for (MessageUid uid : added.getUids()) {
                MessageMetaData metaData = added.getMetaData(uid);
                Optional<String> pipelineId = pipelineIdOf(mailbox, uid, session);
                DeliveredEvent delivered = new DeliveredEvent(DeliveredEvent.VERSION, owner, added.getMailboxPath().getName(),
                    added.getMailboxId().serialize(), metaData.getMessageId().serialize(), uid.asLong(),
                    metaData.getSize(), pipelineId.orElse(null), clock.instant());
                if (pipelineId.isPresent()) {
                    announcer.announceOrKeep(delivered);
                } else {
                    announcer.announce(delivered);
                }
            }
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
    }

    private Optional<String> pipelineIdOf(MessageManager mailbox, MessageUid uid, MailboxSession session) throws Exception {
        Iterator<MessageResult> results = mailbox.getMessages(MessageRange.one(uid), FetchGroup.HEADERS, session);
        if (!results.hasNext()) {
            return Optional.empty();
        }
        Iterator<Header> headers = results.next().getHeaders().headers();
        while (headers.hasNext()) {
            Header header = headers.next();
            if (header.getName().equalsIgnoreCase(PipelineHeaders.PIPELINE_ID)) {
                return Optional.of(header.getValue().trim()).filter(PipelineIds::isValid);
            }
        }
        return Optional.empty();
    }

}
