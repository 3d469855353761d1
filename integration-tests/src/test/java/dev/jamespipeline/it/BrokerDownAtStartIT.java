package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** James starts while RabbitMQ is unreachable, tempfails, and starts working when the broker appears. */
class BrokerDownAtStartIT {
    private static final String DOMAIN = "example.test";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path workDir;
    static TcpProxy proxy;
    static PipelineJames james;

    @BeforeAll
    static void startJamesWithoutBroker() throws Exception {
        proxy = new TcpProxy(RabbitMQEndpoint.amqpUri());
        proxy.cut();
        james = PipelineJames.start(workDir, proxy.amqpUri()).withUsers(DOMAIN, "alice", "bob");
    }

    @AfterAll
    static void stop() throws Exception {
        proxy.restore();
        james.close();
        proxy.close();
    }

    @Test
    void tempfailsUntilTheBrokerIsReachableThenDelivers() throws Exception {
        SmtpReply withoutBroker = james.smtp().send("alice@" + DOMAIN, "too early", "no broker yet", "bob@" + DOMAIN);
        assertThat(withoutBroker.code()).isEqualTo(451);
        assertThat(james.storedFileCount()).isZero();

        proxy.restore();
        AtomicReference<SmtpReply> reply = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            reply.set(james.smtp().send("alice@" + DOMAIN, "broker is up", "now it works", "bob@" + DOMAIN));
            return reply.get().accepted();
        });
        await().atMost(WAIT).until(() -> james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == 1);
        assertThat(james.imap().inboxMessages("bob@" + DOMAIN, PipelineJames.PASSWORD).get(0)).contains("now it works");
    }
}
