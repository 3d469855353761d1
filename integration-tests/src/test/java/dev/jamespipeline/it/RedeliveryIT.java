package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.ledger.FileDeliveryLedger;
import dev.jamespipeline.core.ledger.LedgerEntry;
import dev.jamespipeline.it.mailets.PauseOnce;

/**
 * At-least-once delivery must not become at-least-twice in a mailbox or in outbound jobs:
 * a consumer that loses its broker connection between work and ack, and a duplicate publish
 * of the same event, both leave exactly one copy and one job.
 */
class RedeliveryIT {
    private static final String DOMAIN = "example.test";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path workDir;
    static TcpProxy proxy;
    static PipelineJames james;
    static BrokerTap tap;

    @BeforeAll
    static void startJames() throws Exception {
        proxy = new TcpProxy(RabbitMQEndpoint.amqpUri());
        // Hold the first local delivery's consumer thread after LocalDelivery, before the stage acks.
        james = PipelineJames.start(workDir, proxy.amqpUri(), Map.of(),
                MailetContainerEdits.pauseAfterLocalDelivery("interrupted"))
            .withUsers(DOMAIN, "alice", "bob", "carol");
        tap = new BrokerTap(RabbitMQEndpoint.amqpUri());
    }

    @AfterAll
    static void stopJames() throws Exception {
        PauseOnce.release();
        proxy.restore();
        tap.close();
        james.close();
        proxy.close();
    }

    @Test
    void consumerLosingItsConnectionBetweenDeliveryAndAckCreatesNoDuplicate() throws Exception {
        SmtpReply reply = james.smtp().send("alice@" + DOMAIN, "interrupted", "exactly once please",
            "bob@" + DOMAIN, "far@remote.test");
        assertThat(reply.accepted()).isTrue();
        assertThat(PauseOnce.awaitReached(30)).as("stage reached the pause after LocalDelivery").isTrue();
        assertThat(james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD)).isEqualTo(1);

        // The consumer's connection dies with the message unacked: the broker gives it to another consumer.
        proxy.cut();
        proxy.restore();
        FileDeliveryLedger ledger = new FileDeliveryLedger(james.ledgerRoot());
        // Only the redelivery can finish the stage: the first attempt is still held.
        await().atMost(WAIT).until(() -> ledger.contains(reply.pipelineId(), LedgerEntry.stageDone("route")));
        assertThat(james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD)).isEqualTo(1);

        // The first attempt now resumes and reaches the remote branch the redelivery already handled.
        PauseOnce.release();
        Thread.sleep(2_000);
        assertThat(james.imap().inboxCount("bob@" + DOMAIN, PipelineJames.PASSWORD)).isEqualTo(1);
        assertThat(RoutingIT.outboundJobs(tap, james).stream().filter(job -> job.pipelineId().equals(reply.pipelineId())))
            .hasSize(1);
    }

    @Test
    void aDuplicatePublishOfMailReceivedCreatesNoSecondCopy() throws Exception {
        String received = tap.tap(james.topology().mailEventsExchange(), Topology.MAIL_RECEIVED);
        SmtpReply reply = james.smtp().send("alice@" + DOMAIN, "once", "published twice", "carol@" + DOMAIN);
        GetResponse original = tap.nextMatching(received,
            body -> new String(body, StandardCharsets.UTF_8).contains(reply.pipelineId()), WAIT);
        await().atMost(WAIT).until(() -> james.imap().inboxCount("carol@" + DOMAIN, PipelineJames.PASSWORD) == 1);

        ReceivedEvents.publishRaw(james, tap, reply.pipelineId(), original.getBody());

        // The duplicate is consumed (the queue drains) and changes nothing.
        String stageQueue = james.topology().stageQueue("route");
        await().atMost(WAIT).until(() -> tap.readyCount(stageQueue) == 0);
        Thread.sleep(1_000);
        List<String> inbox = james.imap().inboxMessages("carol@" + DOMAIN, PipelineJames.PASSWORD);
        assertThat(inbox).hasSize(1);
    }
}
