package dev.jamespipeline.stages;

import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.ingest.IngestException;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.dsn.DeliveryStatusNotices;

/**
 * Tells the envelope sender that a stage gave up on a message (its retries were used up): a DSN
 * with action {@code failed} for every recipient, through {@link DeliveryStatusNotices}.
 */
public final class DeadLetterNotice {
    private static final String STATUS = "5.3.0";

    private final DeliveryStatusNotices notices;

    @Inject
    public DeadLetterNotice(DeliveryStatusNotices notices) {
        this.notices = notices;
    }

    /**
     * Called before the message is dead-lettered: if the notice cannot be handed to the pipeline it
     * throws, and the message stays in its queue to be tried again (the notice's derived id makes a
     * repeat harmless).
     */
    public void notifySender(ReceivedEnvelope envelope, String reason) throws MessagingException, IngestException {
        String diagnostic = "X-James; " + reason;
        notices.send(new DeliveryStatusNotices.Notice(envelope.pipelineId(), "dead-letter-notice",
            DeliveryStatusNotices.Action.FAILED, envelope.sender(), envelope.domain(), envelope.receivedAt(),
            new StorageKey(envelope.storage().key()),
            "Your message could not be delivered to " + String.join(", ", envelope.recipients()) + ". It was received at "
                + envelope.receivedAt() + " and kept failing; it will not be tried again.",
            envelope.recipients().stream()
                .map(recipient -> new DeliveryStatusNotices.RecipientStatus(recipient, STATUS, diagnostic, Optional.empty()))
                .toList()));
    }
}
