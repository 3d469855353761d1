package dev.jamespipeline.outbound;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.utils.UserDefinedStartable;

/**
 * Starts this node's outbound consumers once James is up. Listed in {@code extensions.properties}
 * as a {@code guice.extension.startable}, after the stage consumers.
 */
public class OutboundStartable implements UserDefinedStartable {
    private final OutboundWorkers workers;

    @Inject
    public OutboundStartable(OutboundWorkers workers) {
        this.workers = workers;
    }

    @Override
    public void start() {
        workers.start();
    }

    @PreDestroy
    public void stop() {
        workers.close();
    }
}
