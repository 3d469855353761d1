package dev.jamespipeline.ops.state;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Snapshots of the last {@code span}, oldest first, each newer than the one before. */
final class StateWindow {
    private final Duration span;
    private final Deque<PipelineState> states = new ArrayDeque<>();

    StateWindow(Duration span) {
        this.span = span;
    }

    /** Adds {@code state} if it is newer than the last one kept, and forgets what fell out of the span. */
    synchronized void keep(PipelineState state) {
        PipelineState last = states.peekLast();
        if (last != null && !state.sampledAt().isAfter(last.sampledAt())) {
            return;
        }
        states.addLast(state);
        while (states.peekFirst().sampledAt().isBefore(state.sampledAt().minus(span))) {
            states.removeFirst();
        }
    }

    synchronized List<PipelineState> states() {
        return List.copyOf(states);
    }
}
