package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.Topology;

/**
 * Every way the ingest can fail answers 451 and leaves nothing half done. James reaches RabbitMQ
 * through a proxy the test can cut: the broker's port becomes unreachable in the middle of an
 * SMTP transaction; once it is back the next message is accepted and delivered, with no James
 * restart. The other cases: mail.received unroutable, and the message store unable to write.
 */
class IngestFailuresIT {
    private static final String DOMAIN = "example.test";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path workDir;
    static TcpProxy proxy;
    static PipelineJames james;

    @BeforeAll
    static void startJames() throws Exception {
        proxy = new TcpProxy(RabbitMQEndpoint.amqpUri());
        james = PipelineJames.start(workDir, proxy.amqpUri(), Map.of(PipelineConfiguration.CONFIRM_TIMEOUT, "2000"),
            UnaryOperator.identity()).withUsers(DOMAIN, "alice", "bob", "carol");
    }

    @AfterAll
    static void stopJames() throws Exception {
        proxy.restore();
        james.close();
        proxy.close();
    }

    @Test
    void brokerUnreachableAtDataTimeGives451AndNothingHalfDoneThenRecovers() throws Exception {
        int initial = james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD);
        SmtpReply before = james.smtp().send("alice@" + DOMAIN, "before outage", "before", "bob@" + DOMAIN);
        assertThat(before.code()).isEqualTo(250);
        await().atMost(WAIT).until(() -> james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == initial + 1);
        long storedBefore = james.storedFileCount();

        SmtpReply during = james.smtp().send(proxy::cut, "alice@" + DOMAIN, "during outage", "during", "bob@" + DOMAIN);

        assertThat(during.code()).isEqualTo(451);
        assertThat(during.text()).contains("4.3.0");
        assertThat(james.storedFileCount()).as("no orphan blob after a refused message").isEqualTo(storedBefore);
        PipelineJames.HealthReport health = james.pipelineHealth();
        assertThat(health.httpStatus()).isEqualTo(503);
        assertThat(health.json()).contains("\"status\":\"unhealthy\"").contains("SMTP answers 451");

        proxy.restore();
        AtomicReference<SmtpReply> after = new AtomicReference<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
            after.set(james.smtp().send("alice@" + DOMAIN, "after outage", "after", "bob@" + DOMAIN));
            return after.get().accepted();
        });
        // The stage consumers came back by themselves: the message is delivered without a James restart.
        await().atMost(WAIT).until(() -> james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD) == initial + 2);
        List<String> inbox = james.imap().inboxMessages("bob@" + DOMAIN, PipelineJames.PASSWORD);
        assertThat(String.join("\n", inbox)).contains("before outage").contains("after outage").doesNotContain("during outage");
    }

    /** Writes to carol only, so it cannot disturb the counts of the other tests. */
    @Test
    void aMessageStoreThatCannotWriteGives451ThenRecovers() throws Exception {
        // A file where today's store directory must go: the store cannot create it.
        Path blocked = james.messageStore().resolve(java.time.LocalDate.now(java.time.ZoneOffset.UTC).toString());
        java.nio.file.Files.createDirectories(james.messageStore());
        boolean existed = java.nio.file.Files.exists(blocked);
        Path moved = blocked.resolveSibling("moved-away");
        if (existed) {
            java.nio.file.Files.move(blocked, moved);
        }
        java.nio.file.Files.writeString(blocked, "in the way");
        try {
            long storedBefore = james.storedFileCount();
            SmtpReply reply = james.smtp().send("alice@" + DOMAIN, "disk trouble", "cannot store", "carol@" + DOMAIN);
            assertThat(reply.code()).isEqualTo(451);
            assertThat(james.storedFileCount()).isEqualTo(storedBefore);
        } finally {
            java.nio.file.Files.delete(blocked);
            if (existed) {
                java.nio.file.Files.move(moved, blocked);
            }
        }
        assertThat(james.smtp().send("alice@" + DOMAIN, "disk fine", "stored", "carol@" + DOMAIN).code()).isEqualTo(250);
        await().atMost(WAIT).until(() -> james.imap().inboxCount("carol@" + DOMAIN, PipelineJames.PASSWORD) == 1);
    }

    /** Writes to alice only, so it cannot disturb the counts of the test above, which reads bob's INBOX. */
    @Test
    void unroutableMailReceivedGives451AndLeavesNoBlob() throws Exception {
        Topology topology = james.topology();
        String stageQueue = topology.stageQueue("route");
        try (BrokerTap tap = new BrokerTap(RabbitMQEndpoint.amqpUri())) {
            // First make sure James is connected: connecting declares the topology, which would restore the binding.
            assertThat(james.smtp().send("bob@" + DOMAIN, "warm up", "ok", "alice@" + DOMAIN).code()).isEqualTo(250);
            long storedBefore = james.storedFileCount();
            tap.unbind(stageQueue, topology.mailEventsExchange(), Topology.MAIL_RECEIVED);
            try {
                SmtpReply reply = james.smtp().send("bob@" + DOMAIN, "nowhere to go", "unroutable", "alice@" + DOMAIN);
                assertThat(reply.code()).as(reply.text()).isEqualTo(451);
                assertThat(james.storedFileCount()).isEqualTo(storedBefore);
            } finally {
                tap.bind(stageQueue, topology.mailEventsExchange(), Topology.MAIL_RECEIVED);
            }
            assertThat(james.smtp().send("bob@" + DOMAIN, "routable again", "ok", "alice@" + DOMAIN).code()).isEqualTo(250);
        }
    }
}
