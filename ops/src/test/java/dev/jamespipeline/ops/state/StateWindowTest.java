package dev.jamespipeline.ops.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class StateWindowTest {
    private static final Instant T0 = Instant.parse("2026-12-06T10:00:00Z");
    private static final Duration INTERVAL = Duration.ofSeconds(2);

    private final StateWindow window = new StateWindow(Duration.ofMinutes(10));

    @Test
    void keepsEachSnapshotOnceOldestFirst() {
        PipelineState first = at(T0);
        PipelineState second = at(T0.plus(INTERVAL));

        window.keep(first);
        window.keep(first);
        window.keep(second);
        window.keep(second);

        assertThat(window.states()).containsExactly(first, second);
    }

    @Test
    void anOlderSnapshotThanTheLastIsNotKept() {
        PipelineState later = at(T0.plus(INTERVAL));
        window.keep(later);

        window.keep(at(T0));

        assertThat(window.states()).containsExactly(later);
    }

    @Test
    void forgetsWhatIsOlderThanTheSpanBeforeTheNewest() {
        PipelineState old = at(T0);
        PipelineState edge = at(T0.plusSeconds(60));
        window.keep(old);
        window.keep(edge);

        PipelineState newest = at(T0.plus(Duration.ofMinutes(11)));
        window.keep(newest);

        assertThat(window.states()).containsExactly(edge, newest);
    }

    private static PipelineState at(Instant sampledAt) {
        return PipelineState.notSampledYet(sampledAt, INTERVAL, false);
    }
}
