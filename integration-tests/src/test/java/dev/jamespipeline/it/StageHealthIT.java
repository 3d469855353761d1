package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.it.mailets.PauseOnce;

/**
 * James's own health check turns unhealthy while mail answered 250 is not being worked off: here
 * the only stage consumer is held inside a delivery, so the messages behind it wait longer than
 * {@code stage.oldest.message.alarm.ms}. Once it moves again, the check is healthy again.
 */
class StageHealthIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final String BOB = "bob@" + DOMAIN;
    private static final String CHECK = "/healthcheck/checks/RabbitMQPipeline";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.CONCURRENCY, "1")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.PREFETCH, "1")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.OLDEST_MESSAGE_ALARM, "2000")
        .editMailetContainer(MailetContainerEdits.pauseBeforeLocalDelivery("held"));

    @AfterAll
    static void releaseHeldConsumer() {
        PauseOnce.release("held");
    }

    @Test
    void aStageThatStopsMovingMakesJamesUnhealthyUntilItMovesAgain() throws Exception {
        assertThat(PIPELINE.james().smtp().send("alice@" + DOMAIN, "held", "holds the only consumer", BOB).accepted()).isTrue();
        assertThat(PauseOnce.awaitReached("held", 30)).isTrue();
        for (int i = 0; i < 2; i++) {
            assertThat(PIPELINE.james().smtp().send("alice@" + DOMAIN, "waiting " + i, "behind it", BOB).accepted()).isTrue();
        }

        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> health = PIPELINE.james().webAdmin("GET", CHECK);
            assertThat(health.statusCode()).isEqualTo(503);
            assertThat(health.body()).contains("unhealthy").contains("mail is not being processed")
                .contains(PIPELINE.james().topology().stageQueue("route"));
        });

        PauseOnce.release("held");
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount(BOB, PipelineJames.PASSWORD) == 3);
        await().atMost(WAIT).untilAsserted(() -> assertThat(PIPELINE.james().webAdmin("GET", CHECK).statusCode()).isEqualTo(200));
    }
}
