package dev.jamespipeline.core.delivery;

/** A pipeline message is in a mailbox, but the ledger or {@code mail.delivered} does not say so yet. */
public final class UnannouncedDeliveryException extends Exception {
    public UnannouncedDeliveryException(String pipelineId, int deliveries, Exception cause) {
        super("pipeline message " + pipelineId + ": " + deliveries + " delivery(ies) not yet in the ledger or announced: "
            + cause, cause);
    }
}
