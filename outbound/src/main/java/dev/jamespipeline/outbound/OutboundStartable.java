package dev.jamespipeline.outbound;

import javax.annotation.PreDestroy;
import javax.inject.Inject;

import org.apache.james.utils.UserDefinedStartable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts this node's outbound consumers once James is up. Listed in {@code extensions.properties}
 * as a {@code guice.extension.startable}, after the stage consumers.
 */
public class OutboundStartable implements UserDefinedStartable {
    private static final Logger LOGGER = LoggerFactory.getLogger(OutboundStartable.class);

    private final OutboundSettings settings;
    private final OutboundWorkers workers;

    @Inject
    public OutboundStartable(OutboundSettings settings, OutboundWorkers workers) {
        this.settings = settings;
        this.workers = workers;
    }

    @Override
    public void start() {
        if (!settings.enabled()) {
            LOGGER.info("{}=false: this node delivers no outbound mail", OutboundSettings.ENABLED);
            return;
        }
        workers.start();
    }

    @PreDestroy
    public void stop() {
        workers.close();
    }
}
