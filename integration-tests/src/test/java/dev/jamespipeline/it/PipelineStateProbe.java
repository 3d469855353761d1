package dev.jamespipeline.it;

import javax.inject.Inject;

import org.apache.james.utils.GuiceProbe;

import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;

import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.store.MessageStore;

/**
 * The ledger and message store a James binds, whichever backend its pipeline.properties chose (files
 * under store.root, or PostgreSQL): tests read the pipeline's state through these, not through files.
 */
public final class PipelineStateProbe implements GuiceProbe {
    static final Module MODULE = binder -> Multibinder.newSetBinder(binder, GuiceProbe.class).addBinding().to(PipelineStateProbe.class);

    private final DeliveryLedger ledger;
    private final MessageStore store;

    @Inject
    public PipelineStateProbe(DeliveryLedger ledger, MessageStore store) {
        this.ledger = ledger;
        this.store = store;
    }

    DeliveryLedger ledger() {
        return ledger;
    }

    MessageStore store() {
        return store;
    }
}
