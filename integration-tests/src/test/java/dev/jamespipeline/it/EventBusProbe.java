package dev.jamespipeline.it;

import javax.inject.Inject;

import org.apache.james.events.EventBus;
import org.apache.james.utils.GuiceProbe;

import com.google.inject.Module;
import com.google.inject.multibindings.Multibinder;

/** The mailbox event bus a James binds, for tests that listen on it. */
public final class EventBusProbe implements GuiceProbe {
    /** Binds the probe: pass to {@link PipelineJames#start}. */
    static final Module MODULE = binder -> Multibinder.newSetBinder(binder, GuiceProbe.class).addBinding().to(EventBusProbe.class);

    private final EventBus eventBus;

    @Inject
    public EventBusProbe(EventBus eventBus) {
        this.eventBus = eventBus;
    }

    EventBus eventBus() {
        return eventBus;
    }
}
