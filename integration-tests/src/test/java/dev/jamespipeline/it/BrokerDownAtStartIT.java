package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** James starts while RabbitMQ is unreachable, tempfails, and starts working when the broker appears. */
class BrokerDownAtStartIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob").brokerDownAtStart();

    @Test
    void tempfailsUntilTheBrokerIsReachableThenDelivers() throws Exception {
        SmtpReply withoutBroker = PIPELINE.james().smtp().send("alice@" + DOMAIN, "too early", "no broker yet", "bob@" + DOMAIN);
        assertThat(withoutBroker.code()).isEqualTo(451);
        assertThat(PIPELINE.james().storedMessageCount()).isZero();

        PIPELINE.proxy().restore();
        AtomicReference<SmtpReply> reply = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            reply.set(PIPELINE.james().smtp().send("alice@" + DOMAIN, "broker is up", "now it works", "bob@" + DOMAIN));
            return reply.get().accepted();
        });
        await().atMost(WAIT).until(() -> PIPELINE.james().imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == 1);
        assertThat(PIPELINE.james().imap().inboxMessages("bob@" + DOMAIN, PipelineJames.PASSWORD).get(0)).contains("now it works");
    }
}
