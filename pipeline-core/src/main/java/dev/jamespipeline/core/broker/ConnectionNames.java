package dev.jamespipeline.core.broker;

/**
 * Guice names of the shared {@link BrokerConnection}s, here so that every module that injects one
 * (the operations routes, the health check) names it without depending on the module that binds it.
 */
public final class ConnectionNames {
    /** The connection the ingest hook, the mailets and the listeners publish on. */
    public static final String PUBLISHER = "pipeline-publisher";

    private ConnectionNames() {
    }
}
