package dev.jamespipeline.core.runtime;

import java.util.List;
import java.util.stream.Stream;

/**
 * Work a node runs beside its consumers for as long as it runs (the outbox relay, the retention
 * sweepers): started and stopped with the stage consumers.
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

    /** Starts them in order and closes them in reverse; {@link #NONE}s are left out. */
    static BackgroundTasks all(BackgroundTasks... tasks) {
        List<BackgroundTasks> running = Stream.of(tasks).filter(task -> task != NONE).toList();
        if (running.size() == 1) {
            return running.get(0);
        }
        return running.isEmpty() ? NONE : new BackgroundTasks() {
            @Override
            public void start() {
                running.forEach(BackgroundTasks::start);
            }

            @Override
            public void close() {
                for (int i = running.size() - 1; i >= 0; i--) {
                    running.get(i).close();
                }
            }
        };
    }

    void start();

    @Override
    void close();
}
