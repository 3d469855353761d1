package dev.jamespipeline.core.runtime;

/**
 * Work a node runs beside its consumers for as long as it runs (the outbox relay, the retention
 * sweeper): started and stopped with the stage consumers.
 */
public interface BackgroundTasks extends AutoCloseable {
    BackgroundTasks NONE = new BackgroundTasks() {
        @Override
        public void start() {
        }

        @Override
        public void close() {
        }
    };

    void start();

    @Override
    void close();
}
