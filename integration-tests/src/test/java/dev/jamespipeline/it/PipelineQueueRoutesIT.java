package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.PipelineHeaders;
import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.core.store.StoredBlob;
import dev.jamespipeline.core.envelope.OutboundJob;

/** The WebAdmin queue routes against real James and RabbitMQ: status, dead-letter peek, replay and purge. */
class PipelineQueueRoutesIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob")
        .setting(PipelineConfiguration.STAGE_POLICY + QueuePolicy.RETRY_DELAYS, "200,400");

    /** The queues exist once James's publisher has connected, which the first call to the routes makes sure of. */
    @BeforeAll
    static void jamesHasDeclaredItsQueues() throws Exception {
        assertThat(routes().status().status()).isEqualTo(200);
    }

    /** Keeps one test's dead letters out of the next test's counts even when it fails half-way. */
    @AfterEach
    void emptyTheRouteDeadLetterQueue() throws Exception {
        PIPELINE.tap().drain(topology().deadLetterQueue(routeQueue()));
    }

    @Test
    void statusListsEveryWorkQueueWithItsConsumersDeadLettersAndRetryTiers() throws Exception {
        QueueRoutesClient routes = routes();
        int concurrency = PIPELINE.james().configuration().stagePolicy().concurrency();
        await().atMost(WAIT).until(() -> routes.statusOf(routeQueue()).path("consumers").asInt() == concurrency);

        QueueRoutesClient.Reply status = routes.status();

        assertThat(status.status()).isEqualTo(200);
        List<String> expected = new ArrayList<>(topology().workQueues());
        if (exists(topology().indexQueue())) {
            expected.add(topology().indexQueue());
        }
        assertThat(names(status.json())).containsExactlyElementsOf(expected);
        JsonNode route = routes.statusOf(routeQueue());
        assertThat(route.path("messagesReady").asLong()).isZero();
        assertThat(route.path("deadLetters").path("name").asText()).isEqualTo(topology().deadLetterQueue(routeQueue()));
        assertThat(route.path("deadLetters").path("messages").asLong()).isZero();
        assertThat(names(route.path("retries")))
            .containsExactly(topology().retryQueue(routeQueue(), 0), topology().retryQueue(routeQueue(), 1));
    }

    @Test
    void aDeadLetterIsPeekedWithoutBeingTakenRetriedAgainOnReplayAndDeliveredOnceFixed() throws Exception {
        QueueRoutesClient routes = routes();
        String bob = "bob@" + DOMAIN;
        String pipelineId = PipelineIds.next();
        byte[] original = ReceivedEvents.message("alice@" + DOMAIN, bob, "replayed", "fixed, then replayed")
            .getBytes(StandardCharsets.UTF_8);
        StorageKey key = new StorageKey("test/" + pipelineId + ".eml");
        StoredBlob blob = PIPELINE.james().store().write(key, out -> out.write(original));
        // Other bytes under the same key: the envelope's size and digest no longer match what is stored.
        PIPELINE.james().store().write(key, out -> out.write("damaged in the store".getBytes(StandardCharsets.UTF_8)));
        ReceivedEnvelope envelope = new ReceivedEnvelope(ReceivedEnvelope.VERSION, pipelineId, DOMAIN,
            ReceivedEnvelope.StorageRef.of(blob), "alice@" + DOMAIN, List.of(bob), "192.0.2.10", "peer.example", null,
            false, Instant.now(), "route", Map.of());
        ReceivedEvents.publishRaw(PIPELINE.james(), PIPELINE.tap(), pipelineId, CODEC.encode(envelope));
        await().atMost(WAIT).until(() -> routes.deadLetterCount(routeQueue()) == 1);

        QueueRoutesClient.Reply peek = routes.peek(routeQueue(), "");
        QueueRoutesClient.Reply peekAgain = routes.peek(routeQueue(), "?limit=5");

        assertThat(peek.status()).isEqualTo(200);
        assertThat(peek.json()).hasSize(1);
        JsonNode deadLetter = peek.json().get(0);
        assertThat(deadLetter.path("messageId").asText()).isEqualTo(pipelineId);
        assertThat(deadLetter.path("reason").asText()).contains("failed after 3 attempts").contains("sha256");
        assertThat(deadLetter.path("bodySize").asInt())
            .as("the envelope as it was published: retries change headers, never the body").isEqualTo(CODEC.encode(envelope).length);
        assertThat(deadLetter.path("timestamp").isTextual()).isTrue();
        assertThat(deadLetter.path("deadLetteredFrom").asText()).isEqualTo(routeQueue());
        assertThat(deadLetter.path("attempts").findValuesAsText("queue"))
            .as("the broker's history: each retry tier it waited in")
            .contains(topology().retryQueue(routeQueue(), 0), topology().retryQueue(routeQueue(), 1));
        assertThat(peekAgain.json()).as("a peek takes nothing away").isEqualTo(peek.json());
        // The peek's channel is closed to return what it read; the broker counts them again a moment later.
        await().atMost(WAIT).until(() -> routes.deadLetterCount(routeQueue()) == 1);
        JsonNode listed = StreamSupport.stream(routes.all("").json().spliterator(), false)
            .filter(queue -> queue.path("queue").asText().equals(routeQueue())).findFirst().orElseThrow();
        assertThat(listed.path("messages").asLong()).isEqualTo(1);
        assertThat(listed.path("deadLetters").get(0).path("reason").asText()).contains("sha256");
        await().atMost(WAIT).until(() -> routes.deadLetterCount(routeQueue()) == 1);
        QueueRoutesClient.Reply inspected = routes.inspect(routeQueue(), pipelineId);
        assertThat(inspected.status()).isEqualTo(200);
        assertThat(inspected.json().path("envelope").path("pipelineId").asText()).isEqualTo(pipelineId);
        assertThat(inspected.json().path("headers").path(MessageProperties.DEAD_LETTER_REASON_HEADER).asText()).contains("sha256");
        assertThat(routes.inspect(routeQueue(), "no-such-message").status()).isEqualTo(404);
        await().atMost(WAIT).until(() -> routes.deadLetterCount(routeQueue()) == 1);

        QueueRoutesClient.Reply stillBroken = routes.replay(routeQueue(), "?action=replay");
        assertThat(stillBroken.status()).isEqualTo(201);
        assertThat(stillBroken.json().path("status").asText()).isEqualTo("completed");
        assertThat(stillBroken.details().path("replayed").asLong()).isEqualTo(1);
        await().atMost(WAIT).until(() -> routes.deadLetterCount(routeQueue()) == 1);
        assertThat(retriesRecordedBy(deadLetterHeaders()))
            .as("attempt restarted at 0 and the old history was dropped: each retry tier passed once more")
            .containsExactlyInAnyOrder(topology().retryQueue(routeQueue(), 0) + "=1",
                topology().retryQueue(routeQueue(), 1) + "=1");

        PIPELINE.james().store().write(key, out -> out.write(original));
        QueueRoutesClient.Reply fixed = routes.replayOne(routeQueue(), pipelineId);

        assertThat(fixed.status()).isEqualTo(201);
        assertThat(fixed.details().path("messageId").asText()).isEqualTo(pipelineId);
        assertThat(fixed.details().path("replayed").asLong()).isEqualTo(1);
        assertThat(fixed.details().path("remaining").asLong()).isZero();
        ImapReader imap = PIPELINE.james().imap();
        await().atMost(WAIT).until(() -> imap.inboxCount(bob, PipelineJames.PASSWORD) >= 1);
        JsonNode route = routes.statusOf(routeQueue());
        assertThat(route.path("messagesReady").asLong()).isZero();
        assertThat(route.path("deadLetters").path("messages").asLong()).isZero();
        assertThat(route.path("retries").findValues("messages")).allMatch(count -> count.asLong() == 0);
        List<String> inbox = imap.inboxMessages(bob, PipelineJames.PASSWORD);
        assertThat(inbox).as("the replayed message is delivered exactly once").hasSize(1);
        assertThat(inbox.get(0)).contains(PipelineHeaders.PIPELINE_ID + ": " + pipelineId).contains("fixed, then replayed");
    }

    @Test
    void anInvalidMessageReplayedComesBackToTheDeadLetterQueueUnchanged() throws Exception {
        QueueRoutesClient routes = routes();
        ReceivedEvents.publishRaw(PIPELINE.james(), PIPELINE.tap(), "not-json-replayed", "{not json".getBytes(StandardCharsets.UTF_8));
        await().atMost(WAIT).until(() -> routes.deadLetterCount(routeQueue()) == 1);

        QueueRoutesClient.Reply replay = routes.replay(routeQueue(), "?action=replay&limit=10");

        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.details().path("replayed").asLong()).isEqualTo(1);
        await().atMost(WAIT).until(() -> routes.deadLetterCount(routeQueue()) == 1);
        List<GetResponse> back = PIPELINE.tap().drain(topology().deadLetterQueue(routeQueue()));
        assertThat(back).hasSize(1);
        assertThat(back.get(0).getProps().getMessageId()).isEqualTo("not-json-replayed");
        assertThat(new String(back.get(0).getBody(), StandardCharsets.UTF_8)).isEqualTo("{not json");
        assertThat(String.valueOf(back.get(0).getProps().getHeaders().get(MessageProperties.DEAD_LETTER_REASON_HEADER)))
            .startsWith("invalid envelope: body is not JSON");
    }

    @Test
    void aPurgeNeedsConfirmationThenDeletesTheDeadLetters() throws Exception {
        QueueRoutesClient routes = routes();
        for (String id : List.of("purged-1", "purged-2")) {
            ReceivedEvents.publishRaw(PIPELINE.james(), PIPELINE.tap(), id, "not json".getBytes(StandardCharsets.UTF_8));
        }
        await().atMost(WAIT).until(() -> routes.deadLetterCount(routeQueue()) == 2);

        QueueRoutesClient.Reply unconfirmed = routes.purge(routeQueue(), "");
        assertThat(unconfirmed.status()).isEqualTo(400);
        assertThat(unconfirmed.json().path("message").asText()).contains("confirm=yes");
        assertThat(routes.deadLetterCount(routeQueue())).isEqualTo(2);

        QueueRoutesClient.Reply purged = routes.purge(routeQueue(), "?confirm=yes");
        assertThat(purged.status()).isEqualTo(200);
        assertThat(purged.json().path("purged").asLong()).isEqualTo(2);
        assertThat(routes.deadLetterCount(routeQueue())).isZero();
    }

    @Test
    void badRequestsGetClearErrors() throws Exception {
        QueueRoutesClient routes = routes();

        QueueRoutesClient.Reply unknown = routes.peek("no.such.queue", "");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().path("type").asText()).isEqualTo("notFound");
        assertThat(unknown.json().path("message").asText()).contains("no.such.queue").contains(routeQueue())
            .contains(topology().outboundQueue());
        assertThat(routes.replay("no.such.queue", "?action=replay").status()).isEqualTo(404);

        QueueRoutesClient.Reply wrongAction = routes.replay(routeQueue(), "?action=delete");
        assertThat(wrongAction.status()).isEqualTo(400);
        assertThat(wrongAction.json().path("type").asText()).isEqualTo("InvalidArgument");
        assertThat(wrongAction.json().path("message").asText()).contains("action must be 'replay'").contains("'delete'");
        assertThat(routes.replay(routeQueue(), "").json().path("message").asText()).contains("was missing");

        for (String limit : List.of("0", "101", "-3", "ten")) {
            QueueRoutesClient.Reply badLimit = routes.peek(routeQueue(), "?limit=" + limit);
            assertThat(badLimit.status()).as(limit).isEqualTo(400);
            assertThat(badLimit.json().path("message").asText()).contains("from 1 to 100");
        }
        assertThat(routes.replay(routeQueue(), "?action=replay&limit=100001").json().path("message").asText())
            .contains("from 1 to 100000");
    }

    @Test
    void theIndexQueueIsListedWhereSomeNodeDeclaredIt() throws Exception {
        QueueRoutesClient routes = routes();
        String index = topology().indexQueue();
        boolean declaredByThisTest = !exists(index);
        try (Connection connection = connect()) {
            topology().declareIndexQueue(connection.createChannel());

            JsonNode status = routes.statusOf(index);

            assertThat(status).isNotNull();
            assertThat(status.path("deadLetters").path("name").asText()).isEqualTo(topology().deadLetterQueue(index));
            assertThat(routes.peek(index, "").status()).isEqualTo(200);
        } finally {
            if (declaredByThisTest) {
                deleteWithItsDeadLetterAndRetryQueues(index);
            }
        }
    }

    /**
     * The outbound queue has no consumer yet (README, "Not built yet"), so what a replay publishes can
     * be read back as it is. Stage queues take the same path (see the replay test above).
     */
    @Test
    void aReplayedMessageLosesItsDeadLetterHeadersAndAttemptCountAndKeepsTheRest() throws Exception {
        QueueRoutesClient routes = routes();
        String outbound = topology().outboundQueue();
        String job = "{\"version\":1,\"jobId\":\"job-replayed\",\"pipelineId\":\"p-1\",\"recipients\":[\"carol@remote.example\"],"
            + "\"createdAt\":\"2024-01-02T03:04:05Z\",\"addedLater\":\"kept\"}";
        AMQP.BasicProperties deadLettered = MessageProperties.deadLettered(
            withHeader(MessageProperties.persistentJson("job-replayed", Instant.now()), "x-pipeline-attempt", 4),
            outbound, "delivery failed: remote host unreachable");
        byte[] jobBody = job.getBytes(StandardCharsets.UTF_8);
        PIPELINE.tap().publish("", topology().deadLetterQueue(outbound),
            PIPELINE.james().signer().sign(deadLettered.builder().type(OutboundJob.ROUTING_KEY).build(), jobBody), jobBody);

        QueueRoutesClient.Reply replay = routes.replay(outbound, "?action=replay");

        assertThat(replay.status()).isEqualTo(201);
        assertThat(replay.details().path("replayed").asLong()).isEqualTo(1);
        assertThat(replay.details().path("remaining").asLong()).isZero();
        GetResponse replayed = PIPELINE.tap().nextMatching(outbound,
            body -> new String(body, StandardCharsets.UTF_8).contains("job-replayed"), WAIT);
        assertThat(replayed.getBody()).as("the body goes back byte for byte").isEqualTo(job.getBytes(StandardCharsets.UTF_8));
        // Attempts are counted in a header: the body, and so its signature, come back unchanged.
        PIPELINE.james().signer().verify(replayed.getProps(), replayed.getBody());
        assertThat(replayed.getProps().getMessageId()).isEqualTo("job-replayed");
        assertThat(replayed.getProps().getType()).isEqualTo(OutboundJob.ROUTING_KEY);
        assertThat(replayed.getProps().getDeliveryMode()).isEqualTo(2);
        assertThat(replayed.getProps().getHeaders()).containsKey(MessageProperties.FIRST_RECEIVED_HEADER)
            .doesNotContainKeys("x-pipeline-attempt", MessageProperties.DEAD_LETTER_REASON_HEADER,
                MessageProperties.DEAD_LETTER_QUEUE_HEADER);
    }

    private static AMQP.BasicProperties withHeader(AMQP.BasicProperties properties, String name, Object value) {
        Map<String, Object> headers = new HashMap<>(properties.getHeaders());
        headers.put(name, value);
        return properties.builder().headers(headers).build();
    }

    private static void deleteWithItsDeadLetterAndRetryQueues(String queue) throws Exception {
        PIPELINE.tap().deleteQueue(queue);
        PIPELINE.tap().deleteQueue(topology().deadLetterQueue(queue));
        for (int tier = 0; tier < topology().policyOf(queue).retryDelays().size(); tier++) {
            PIPELINE.tap().deleteQueue(topology().retryQueue(queue, tier));
        }
    }

    /** On a connection of its own: a passive declare of a missing queue closes the channel. */
    private static boolean exists(String queue) throws Exception {
        try (Connection connection = connect()) {
            connection.createChannel().queueDeclarePassive(queue);
            return true;
        } catch (java.io.IOException missing) {
            return false;
        }
    }

    /** The first dead letter's headers, read without taking it: closing the channel returns it. */
    private static Map<String, Object> deadLetterHeaders() throws Exception {
        try (Connection connection = connect()) {
            Channel channel = connection.createChannel();
            GetResponse first = channel.basicGet(topology().deadLetterQueue(routeQueue()), false);
            assertThat(first).isNotNull();
            return first.getProps().getHeaders();
        }
    }

    /** "queue=count" for each delay queue RabbitMQ recorded in x-death. */
    @SuppressWarnings("unchecked")
    private static List<String> retriesRecordedBy(Map<String, Object> headers) {
        List<String> retries = new ArrayList<>();
        Object deaths = headers.get("x-death");
        if (deaths instanceof List<?> list) {
            for (Object death : list) {
                Map<String, Object> entry = (Map<String, Object>) death;
                retries.add(entry.get("queue") + "=" + entry.get("count"));
            }
        }
        return retries;
    }

    private static Connection connect() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(RabbitMQEndpoint.amqpUri());
        return factory.newConnection("pipeline-queue-routes-test");
    }

    private static List<String> names(JsonNode entries) {
        List<String> names = new ArrayList<>();
        entries.forEach(entry -> names.add(entry.path("name").asText()));
        return names;
    }

    private static QueueRoutesClient routes() {
        return new QueueRoutesClient(PIPELINE.james());
    }

    private static Topology topology() {
        return PIPELINE.james().topology();
    }

    private static String routeQueue() {
        return topology().stageQueue("route");
    }
}
