package dev.jamespipeline.stages;

import javax.inject.Inject;

import org.apache.james.lifecycle.api.LifecycleUtil;
import org.apache.james.mailetcontainer.api.MailProcessor;
import org.apache.james.server.core.MailImpl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.delivery.DeliveryAnnouncer;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.core.store.WithdrawnMessageException;

/**
 * Runs one stage for one envelope: the James processor named like the stage, on this thread,
 * synchronously. When it returns without an exception every effect of the stage is durable
 * (mailets record their effects in the ledger as they have them), so the caller may ack.
 *
 * <p>Then the stored message the envelope names is released: this stage was the last step to read
 * it (what it passed on, to the next stage or to outbound delivery, was stored under another key),
 * and a repeat of the envelope finds STAGE_DONE and never reads it. An envelope that fails every
 * retry is dead-lettered without a release, so its message stays until it is replayed.
 */
public final class StageRunner {
    private static final Logger LOGGER = LoggerFactory.getLogger(StageRunner.class);

    private final MailProcessor mailProcessor;
    private final StageMailFactory mailFactory;
    private final DeliveryLedger ledger;
    private final DeliveryAnnouncer deliveries;
    private final MessageStore store;
    private final OneAtATime oneAtATime = new OneAtATime();

    @Inject
    public StageRunner(MailProcessor mailProcessor, StageMailFactory mailFactory, DeliveryLedger ledger,
                       DeliveryAnnouncer deliveries, MessageStore store) {
        this.mailProcessor = mailProcessor;
        this.mailFactory = mailFactory;
        this.ledger = ledger;
        this.deliveries = deliveries;
        this.store = store;
    }

    /**
     * @param envelopeJson the envelope as it arrived, which later stages build their own from
     * @param attempt      which attempt of the stage this is (mailets with a failure policy read it)
     */
    public void run(ReceivedEnvelope envelope, String envelopeJson, StageAttempt attempt) throws Exception {
        try (OneAtATime.Turn turn = oneAtATime.enter(envelope.pipelineId() + "/" + envelope.stage())) {
            runAlone(envelope, envelopeJson, attempt);
        }
        store.release(new StorageKey(envelope.storage().key()));
    }

    private void runAlone(ReceivedEnvelope envelope, String envelopeJson, StageAttempt attempt) throws Exception {
        // A copy an earlier attempt left in a mailbox unannounced: once announced, the ledger drops its recipient.
        deliveries.repair(envelope.pipelineId());
        LedgerEntry done = LedgerEntry.stageDone(envelope.stage());
        if (ledger.contains(envelope.pipelineId(), done)) {
            LOGGER.info("Pipeline message {} already went through stage {}: dropping the repeat",
                envelope.pipelineId(), envelope.stage());
            return;
        }
        MailImpl mail;
        try {
            mail = mailFactory.create(envelope, envelopeJson, attempt);
        } catch (WithdrawnMessageException e) {
            LOGGER.info("Pipeline message {}: dropping its envelope, which reached the broker although its confirm was lost: {}",
                envelope.pipelineId(), e.getMessage());
            return;
        }
        try {
            // Stage mailets run with onMailetException="propagate": a failure surfaces here and is retried
            // (an Error too, such as a StackOverflowError on hostile MIME: the work-queue runtime catches it).
            mailProcessor.service(mail);
        } finally {
            LifecycleUtil.dispose(mail);
        }
        // The mailbox listener cannot fail the append; what it could not announce fails the stage here.
        deliveries.repair(envelope.pipelineId());
        ledger.record(envelope.pipelineId(), done);
    }
}
