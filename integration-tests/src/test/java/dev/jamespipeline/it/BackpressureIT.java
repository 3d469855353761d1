package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.it.mailets.PauseOnce;

/**
 * A full work queue makes SMTP tempfail instead of piling up: the queue's length limit makes the
 * broker refuse (nack) the publish, and the client gets 451 with nothing stored.
 * One consumer with prefetch 1 is held by the test, and the queue may hold one ready message.
 */
class BackpressureIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int MAX_ATTEMPTS = 5;

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.CONCURRENCY, "1")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.PREFETCH, "1")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.MAX_LENGTH, "1")
        .editMailetContainer(MailetContainerEdits.pauseAfterLocalDelivery("hold"));

    /** Runs before the extension stops James, so a held consumer does not delay the shutdown. */
    @AfterAll
    static void releasePausedConsumer() {
        PauseOnce.release("hold");
    }

    @Test
    void aFullQueueGives451UntilItDrains() throws Exception {
        assertThat(PIPELINE.james().smtp().send("alice@" + DOMAIN, "hold", "occupies the only consumer", "bob@" + DOMAIN).code())
            .isEqualTo(250);
        assertThat(PauseOnce.awaitReached("hold", 30)).isTrue();
        // A quorum queue starts refusing once it is over its limit, so one or two messages still fit.
        int accepted = 1;
        SmtpReply reply = null;
        long stored = 0;
        for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
            stored = PIPELINE.james().storedMessageCount();
            reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "queued " + attempt, "fills the queue", "bob@" + DOMAIN);
            if (!reply.accepted()) {
                break;
            }
            accepted++;
        }

        assertThat(reply.code()).isEqualTo(451);
        assertThat(reply.text()).contains("4.3.0");
        assertThat(accepted).isBetween(2, 3);
        assertThat(PIPELINE.james().storedMessageCount()).as("the refused message left nothing behind").isEqualTo(stored);

        PauseOnce.release("hold");
        int expected = accepted;
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == expected);
        assertThat(PIPELINE.james().smtp().send("alice@" + DOMAIN, "room again", "accepted", "bob@" + DOMAIN).code()).isEqualTo(250);
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == expected + 1);
    }
}
