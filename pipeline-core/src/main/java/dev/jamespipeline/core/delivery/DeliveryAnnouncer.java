package dev.jamespipeline.core.delivery;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;

/**
 * Announces that a message landed in a mailbox: DELIVERED in the ledger, then a confirmed
 * {@code mail.delivered}. The mailbox listener calls it inside the append, where James's event bus
 * would retry a failure and then report success to the append anyway; so a pipeline delivery whose
 * announcement fails is kept here, by pipeline id, for the stage runner of that id to repair or to
 * fail the stage with. Until it is repaired the stage must not ack (the message would never be
 * indexed) and must not deliver again (the ledger does not know the copy in the mailbox).
 */
public final class DeliveryAnnouncer {
    private static final Logger LOGGER = LoggerFactory.getLogger(DeliveryAnnouncer.class);

    private final DeliveryLedger ledger;
    private final EventPublisher events;
    private final ConcurrentHashMap<String, List<DeliveredEvent>> unannounced = new ConcurrentHashMap<>();

    public DeliveryAnnouncer(DeliveryLedger ledger, EventPublisher events) {
        this.ledger = ledger;
        this.events = events;
    }

    /** For mail that did not come through the pipeline: no stage to report to, so the failure is thrown. */
    public void announce(DeliveredEvent delivered) throws IOException, PublishException {
        if (delivered.pipelineId() != null) {
            ledger.record(delivered.pipelineId(), LedgerEntry.delivered(delivered.user()));
        }
        events.delivered(delivered);
    }

    /** For a pipeline delivery: a failure is kept for the stage runner of {@code delivered.pipelineId()}. */
    public void announceOrKeep(DeliveredEvent delivered) {
        try {
            announce(delivered);
        } catch (IOException | PublishException | RuntimeException e) {
            LOGGER.warn("Pipeline message {} is in {}'s mailbox {} (uid {}) but could not be announced, its stage will repair it: {}",
                delivered.pipelineId(), delivered.user(), delivered.mailbox(), delivered.uid(), e.toString());
            keep(delivered.pipelineId(), List.of(delivered));
        }
    }

    /**
     * Announces what a previous delivery of this pipeline message could not. Returns normally only
     * when nothing is left unannounced; the stage runner calls it before and after its processor.
     */
    public void repair(String pipelineId) throws UnannouncedDeliveryException {
        List<DeliveredEvent> pending = unannounced.remove(pipelineId);
        if (pending == null) {
            return;
        }
        List<DeliveredEvent> stillPending = new ArrayList<>();
        Exception lastFailure = null;
        for (DeliveredEvent delivered : pending) {
            try {
                announce(delivered);
                LOGGER.info("Pipeline message {}: announced its delivery to {} (uid {}) after a failure",
                    pipelineId, delivered.user(), delivered.uid());
            } catch (IOException | PublishException | RuntimeException e) {
                stillPending.add(delivered);
                lastFailure = e;
            }
        }
        if (!stillPending.isEmpty()) {
            keep(pipelineId, stillPending);
            throw new UnannouncedDeliveryException(pipelineId, stillPending.size(), lastFailure);
        }
    }

    private void keep(String pipelineId, List<DeliveredEvent> deliveries) {
        unannounced.merge(pipelineId, List.copyOf(deliveries), (kept, added) -> {
            List<DeliveredEvent> all = new ArrayList<>(kept);
            all.addAll(added);
            return List.copyOf(all);
        });
    }
}
