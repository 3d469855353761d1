package dev.jamespipeline.core.ledger;

import java.io.IOException;

/**
 * Durable record of effects already had, keyed by pipeline message id. Every stage asks it
 * before an effect and tells it after, which is what makes redelivered events harmless.
 */
public interface DeliveryLedger {

    boolean contains(String pipelineId, LedgerEntry entry) throws IOException;

    /** Idempotent; durable when it returns. */
    void record(String pipelineId, LedgerEntry entry) throws IOException;
}
