package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.it.mailets.PauseOnce;

/**
 * A full work queue makes SMTP tempfail instead of piling up: the queue's length limit makes the
 * broker refuse (nack) the publish, and the client gets 451 with nothing stored.
 * One consumer with prefetch 1 is held by the test, and the queue may hold one ready message.
 */
class BackpressureIT {
    private static final String DOMAIN = "example.test";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAX_ATTEMPTS = 5;

    @TempDir
    static Path workDir;
    static PipelineJames james;

    @BeforeAll
    static void startJames() throws Exception {
        james = PipelineJames.start(workDir, RabbitMQEndpoint.amqpUri(), Map.of(
                PipelineConfiguration.STAGE_CONCURRENCY, "1",
                PipelineConfiguration.STAGE_PREFETCH, "1",
                PipelineConfiguration.QUEUE_MAX_LENGTH, "1"),
                MailetContainerEdits.pauseAfterLocalDelivery("hold"))
            .withUsers(DOMAIN, "alice", "bob");
    }

    @AfterAll
    static void stopJames() throws Exception {
        PauseOnce.release();
        james.close();
    }

    @Test
    void aFullQueueGives451UntilItDrains() throws Exception {
        assertThat(james.smtp().send("alice@" + DOMAIN, "hold", "occupies the only consumer", "bob@" + DOMAIN).code())
            .isEqualTo(250);
        assertThat(PauseOnce.awaitReached(30)).isTrue();
        // A quorum queue starts refusing once it is over its limit, so one or two messages still fit.
        int accepted = 1;
        SmtpReply reply = null;
        long stored = 0;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            stored = james.storedFileCount();
            reply = james.smtp().send("alice@" + DOMAIN, "queued " + attempt, "fills the queue", "bob@" + DOMAIN);
            if (!reply.accepted()) {
                break;
            }
            accepted++;
        }

        assertThat(reply.code()).isEqualTo(451);
        assertThat(reply.text()).contains("4.3.0");
        assertThat(accepted).isBetween(2, 3);
        assertThat(james.storedFileCount()).as("the refused message left nothing behind").isEqualTo(stored);

        PauseOnce.release();
        int expected = accepted;
        await().atMost(WAIT).until(() -> james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == expected);
        assertThat(james.smtp().send("alice@" + DOMAIN, "room again", "accepted", "bob@" + DOMAIN).code()).isEqualTo(250);
        await().atMost(WAIT).until(() -> james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == expected + 1);
    }
}
