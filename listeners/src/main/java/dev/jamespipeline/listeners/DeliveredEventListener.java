package dev.jamespipeline.listeners;

import java.time.Clock;
import java.util.Iterator;
import java.util.Optional;

import javax.inject.Inject;

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

import dev.jamespipeline.core.PipelineHeaders;
import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;

/**
 * For every message added to a mailbox: records pipeline deliveries in the ledger, then publishes
 * a confirmed {@code mail.delivered}. It runs synchronously inside the append, so when
 * {@code LocalDelivery} returns to the stage consumer the ledger already knows; the window in
 * which a crash could cause a duplicate is the time between the append and the ledger write.
 */
public class DeliveredEventListener implements EventListener.GroupEventListener {
    public static final Group GROUP = new GenericGroup("pipeline-mail-delivered");

    private final MailboxManager mailboxManager;
    private final DeliveryLedger ledger;
    private final ConfirmedPublisher publisher;
    private final Topology topology;
    private final EnvelopeCodec codec;
    private final EnvelopeSigner signer;
    private final Clock clock;

    @Inject
    public DeliveredEventListener(MailboxManager mailboxManager, DeliveryLedger ledger, ConfirmedPublisher publisher,
                                  Topology topology, EnvelopeCodec codec, EnvelopeSigner signer, Clock clock) {
        this.mailboxManager = mailboxManager;
        this.ledger = ledger;
        this.publisher = publisher;
        this.topology = topology;
        this.codec = codec;
        this.signer = signer;
        this.clock = clock;
    }

    @Override
    public Group getDefaultGroup() {
        return GROUP;
    }

    @Override
    public boolean isHandling(Event event) {
        return event instanceof Added;
    }

    @Override
    public void event(Event event) throws Exception {
        Added added = (Added) event;
        String owner = added.getMailboxPath().getUser().asString();
        MailboxSession session = mailboxManager.createSystemSession(added.getMailboxPath().getUser());
        try {
            MessageManager mailbox = mailboxManager.getMailbox(added.getMailboxId(), session);
            for (MessageUid uid : added.getUids()) {
                MessageMetaData metaData = added.getMetaData(uid);
                Optional<String> pipelineId = pipelineIdOf(mailbox, uid, session);
                if (pipelineId.isPresent()) {
                    ledger.record(pipelineId.get(), LedgerEntry.delivered(owner));
                }
                publish(new DeliveredEvent(ReceivedEnvelope.VERSION, owner, added.getMailboxPath().getName(),
                    added.getMailboxId().serialize(), metaData.getMessageId().serialize(), uid.asLong(),
                    metaData.getSize(), pipelineId.orElse(null), clock.instant()));
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

    private void publish(DeliveredEvent delivered) throws PublishException {
        // An event, not a job: consumers (indexer, harness) bind their own queues, so it is not mandatory.
        // Its type survives retries and replays, which change the routing key.
        byte[] body = codec.encode(delivered);
        publisher.publish(topology.mailEventsExchange(), Topology.MAIL_DELIVERED, false,
            signer.sign(MessageProperties.persistentJson(delivered.messageId(), delivered.deliveredAt())
                .builder().type(Topology.MAIL_DELIVERED).build(), body),
            body);
    }

}
