package dev.jamespipeline.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class DestinationLimitsTest {

    @Test
    void aDestinationAtItsLimitMakesTheNextOneWaitWhileOthersProceed() throws Exception {
        DestinationLimits limits = new DestinationLimits(2);
        limits.acquire("busy.example");
        limits.acquire("busy.example");
        AtomicBoolean third = new AtomicBoolean();
        Thread waiting = new Thread(() -> {
            try {
                limits.acquire("busy.example");
                third.set(true);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiting.start();
        while (waiting.getState() != Thread.State.WAITING) {
            Thread.onSpinWait();
        }

        limits.acquire("other.example");
        assertThat(third).isFalse();
        assertThat(limits.inFlight("other.example")).isEqualTo(1);

        limits.release("busy.example");
        waiting.join();
        assertThat(third).isTrue();
        assertThat(limits.inFlight("busy.example")).isEqualTo(2);
    }

    @Test
    void aDestinationWithNothingInFlightLeavesNothingBehind() throws Exception {
        DestinationLimits limits = new DestinationLimits(20);
        limits.acquire("once.example");
        limits.release("once.example");

        assertThat(limits.inFlight("once.example")).isZero();
    }
}
