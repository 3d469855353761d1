package dev.jamespipeline.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.rabbitmq.client.AMQP;

import dev.jamespipeline.core.broker.MessageProperties;

class FailureRouterTest {
    private static final Instant NOW = Instant.parse("2026-12-06T12:00:00Z");
    private static final QueuePolicy POLICY = new QueuePolicy(List.of(Duration.ofSeconds(1), Duration.ofSeconds(10)),
        List.of(), false, Duration.ofHours(1), 5, 0, 1, 1, Duration.ofMinutes(5));

    @Test
    void eachAttemptTakesTheNextTierUntilNoneIsLeft() {
        assertThat(FailureRouter.nextDelay(POLICY, delivery(0, NOW), NOW)).contains(Duration.ofSeconds(1));
        assertThat(FailureRouter.nextDelay(POLICY, delivery(1, NOW), NOW)).contains(Duration.ofSeconds(10));
        assertThat(FailureRouter.nextDelay(POLICY, delivery(2, NOW), NOW)).isEmpty();
        assertThat(FailureRouter.givingUp(POLICY, delivery(2, NOW), "boom")).isEqualTo("failed after 3 attempts: boom");
    }

    @Test
    void aMessageOlderThanTheMaximumAgeIsNotRetried() {
        Delivery old = delivery(0, NOW.minus(Duration.ofHours(2)));

        assertThat(FailureRouter.nextDelay(POLICY, old, NOW)).isEmpty();
        assertThat(FailureRouter.givingUp(POLICY, old, "boom")).startsWith("older than PT1H after 1 attempts");
    }

    @Test
    void afterItsTiersAnOutboundPolicyRepeatsOneOfItsRepeatDelaysUntilTheMaximumAge() {
        QueuePolicy outbound = QueuePolicy.OUTBOUND_DEFAULTS;

        assertThat(FailureRouter.nextDelay(outbound, delivery(0, NOW), NOW)).contains(Duration.ofMinutes(5));
        assertThat(FailureRouter.nextDelay(outbound, delivery(4, NOW), NOW)).contains(Duration.ofHours(1));
        for (int attempt = 5; attempt < 40; attempt++) {
            assertThat(FailureRouter.nextDelay(outbound, delivery(attempt, NOW), NOW)).get()
                .isIn(outbound.repeatDelays());
        }
        Delivery expired = delivery(30, NOW.minus(Duration.ofDays(5)).minusSeconds(1));
        assertThat(FailureRouter.nextDelay(outbound, expired, NOW)).isEmpty();
        assertThat(FailureRouter.givingUp(outbound, expired, "451 busy")).startsWith("older than PT120H after 31 attempts");
    }

    @Test
    void theRepeatDelayIsSpreadOverTheJitterQueuesAndStableForOneMessageAndAttempt() {
        QueuePolicy outbound = QueuePolicy.OUTBOUND_DEFAULTS;
        java.util.Set<Duration> picked = new java.util.HashSet<>();
        for (int message = 0; message < 200; message++) {
            picked.add(outbound.delayAfter(7, "job-" + message).orElseThrow());
        }

        assertThat(picked).containsExactlyInAnyOrderElementsOf(outbound.repeatDelays());
        assertThat(outbound.delayAfter(9, "job-1")).isEqualTo(outbound.delayAfter(9, "job-1"));
        assertThat(outbound.distinctDelays()).hasSize(10).isSorted();
    }

    @Test
    void theNextAttemptCarriesTheCountAndKeepsEverythingElse() {
        Delivery delivery = delivery(1, NOW);

        AMQP.BasicProperties next = delivery.nextAttemptProperties();

        assertThat(next.getHeaders()).containsEntry(MessageProperties.ATTEMPT_HEADER, 2)
            .containsEntry(MessageProperties.FIRST_RECEIVED_HEADER, NOW.toEpochMilli());
        assertThat(next.getMessageId()).isEqualTo("id");
        assertThat(next.getDeliveryMode()).isEqualTo(2);
    }

    @Test
    void aMissingOrHostileAttemptHeaderCountsAsAFirstAttempt() {
        Map<String, Object> headers = new HashMap<>();
        headers.put(MessageProperties.ATTEMPT_HEADER, "many");
        Delivery text = new Delivery(1, "rk", new AMQP.BasicProperties.Builder().headers(headers).build(), new byte[0]);
        headers.put(MessageProperties.ATTEMPT_HEADER, -7);
        Delivery negative = new Delivery(1, "rk", new AMQP.BasicProperties.Builder().headers(headers).build(), new byte[0]);

        assertThat(text.attempt()).isZero();
        assertThat(negative.attempt()).isZero();
        assertThat(new Delivery(1, "rk", new AMQP.BasicProperties(), new byte[0]).attempt()).isZero();
    }

    private static Delivery delivery(int attempt, Instant firstReceived) {
        Map<String, Object> headers = new HashMap<>(MessageProperties.persistentJson("id", firstReceived).getHeaders());
        headers.put(MessageProperties.ATTEMPT_HEADER, attempt);
        AMQP.BasicProperties properties = MessageProperties.persistentJson("id", firstReceived).builder().headers(headers).build();
        return new Delivery(7, "rk", properties, new byte[0]);
    }
}
