package dev.jamespipeline.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.broker.MessageProperties;

class QueueActivityTest {
    private static final Instant START = Instant.parse("2026-12-06T12:00:00Z");
    private static final Duration ALARM = Duration.ofMinutes(5);

    @Test
    void anEmptyQueueIsNeverBehind() {
        QueueActivity activity = new QueueActivity(START);

        assertThat(activity.behind(0, ALARM, START.plus(Duration.ofHours(3)))).isEmpty();
    }

    @Test
    void aQueueWithMessagesAndNoProgressIsBehind() {
        QueueActivity activity = new QueueActivity(START);

        assertThat(activity.behind(3, ALARM, START.plus(Duration.ofMinutes(4)))).isEmpty();
        assertThat(activity.behind(3, ALARM, START.plus(Duration.ofMinutes(6))))
            .hasValueSatisfying(text -> assertThat(text).contains("3 messages waiting and none settled for 360 s"));
    }

    @Test
    void aQueueWhoseFirstAttemptsArriveOldIsBehindEvenWhileItProgresses() {
        QueueActivity activity = new QueueActivity(START);
        Instant now = START.plus(Duration.ofMinutes(20));
        Delivery late = new Delivery(1, "rk", MessageProperties.persistentJson("id", START), new byte[0]);

        activity.pickedUp(late, now);
        activity.settled(now);

        assertThat(activity.behind(10, ALARM, now)).hasValueSatisfying(text -> assertThat(text).contains("waited 1200 s"));
    }
}
