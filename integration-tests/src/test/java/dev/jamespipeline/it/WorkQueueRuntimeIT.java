package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.BaseConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.runtime.Delivery;
import dev.jamespipeline.core.runtime.FailureRouter;
import dev.jamespipeline.core.runtime.Outcome;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.runtime.WorkHandler;
import dev.jamespipeline.core.runtime.WorkQueueHealth;
import dev.jamespipeline.core.runtime.WorkQueueRuntime;

/**
 * The work-queue runtime against a real broker: no message, and no Error thrown while handling
 * one, stops a consumer; a consumer the broker cancels comes back; the health check names a queue
 * that has no consumer.
 */
class WorkQueueRuntimeIT {
    private static final Duration PATIENCE = Duration.ofSeconds(30);

    private final Set<String> handled = ConcurrentHashMap.newKeySet();
    private PipelineConfiguration configuration;
    private Topology topology;
    private String queue;
    private BrokerConnection publisherConnection;
    private ConfirmedPublisher publisher;
    private EnvelopeSigner signer;
    private WorkQueueRuntime runtime;

    @BeforeEach
    void setUp() {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.AMQP_URI, RabbitMQEndpoint.amqpUri());
        settings.addProperty(PipelineConfiguration.NAME_PREFIX, "runtime-it-" + UUID.randomUUID() + ".");
        settings.addProperty(PipelineConfiguration.STAGE_POLICY + QueuePolicy.RETRY_DELAYS, "100,200");
        settings.addProperty(PipelineConfiguration.STAGE_POLICY + QueuePolicy.CONCURRENCY, "2");
        settings.addProperty(PipelineConfiguration.SIGNING_KEYS, PipelineJames.TEST_SIGNING_KEYS);
        configuration = PipelineConfiguration.from(settings);
        signer = new EnvelopeSigner(configuration.signingKeys());
        topology = new Topology(configuration);
        queue = topology.stageQueue(configuration.firstStage());
        publisherConnection = new BrokerConnection(configuration, topology, "runtime-it-publisher");
        publisher = new ConfirmedPublisher(publisherConnection, Duration.ofSeconds(5));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (runtime != null) {
            runtime.close();
        }
        publisher.close();
        publisherConnection.close();
        TopologyCleanup.delete(RabbitMQEndpoint.amqpUri(), configuration);
    }

    @Test
    void anErrorFromTheHandlerFailsOnlyItsMessageWhichIsRetriedThenDeadLetteredWithTheReason() throws Exception {
        start(topology::declare, batch -> {
            String text = text(batch.get(0));
            if (text.equals("poison")) {
                recurseForever(0);
            }
            handled.add(text);
            return List.of(Outcome.DONE);
        });

        publish("poison");
        publish("plain");

        await().atMost(PATIENCE).until(() -> handled.contains("plain"));
        GetResponse dead = awaitDeadLetter();
        assertThat(text(dead.getBody())).isEqualTo("poison");
        assertThat(reasonOf(dead)).contains("StackOverflowError").contains("failed after 3 attempts");
        assertThat(runtime.states().get(0).liveConsumers()).as("no consumer died").isEqualTo(2);

        publish("after");
        await().atMost(PATIENCE).until(() -> handled.contains("after"));
    }

    @Test
    void aRejectedMessageGoesStraightToTheDeadLetterQueue() throws Exception {
        start(topology::declare, batch -> List.of(Outcome.reject("forged")));

        publish("anything");

        GetResponse dead = awaitDeadLetter();
        assertThat(reasonOf(dead)).isEqualTo("forged");
        assertThat(dead.getProps().getHeaders()).doesNotContainKey(MessageProperties.ATTEMPT_HEADER);
    }

    @Test
    void anUnsignedMessageNeverReachesTheHandler() throws Exception {
        start(topology::declare, this::recordAll);
        byte[] body = "unsigned".getBytes(StandardCharsets.UTF_8);

        publisher.publish("", queue, true, MessageProperties.persistentJson("unsigned", Instant.now()), body);
        publish("signed");

        GetResponse dead = awaitDeadLetter();
        assertThat(text(dead.getBody())).isEqualTo("unsigned");
        assertThat(reasonOf(dead)).contains("unsigned");
        await().atMost(PATIENCE).until(() -> handled.contains("signed"));
        assertThat(handled).doesNotContain("unsigned");
    }

    @Test
    void consumersTheBrokerCancelsComeBack() throws Exception {
        start(topology::declare, this::recordAll);
        awaitConsumers(2);

        try (BrokerTap tap = new BrokerTap(RabbitMQEndpoint.amqpUri())) {
            // Deleting the queue cancels its consumers broker-side; the supervisor declares it again and resubscribes.
            tap.deleteQueue(queue);
        }

        await().atMost(PATIENCE).untilAsserted(() -> {
            publish("after-cancel");
            assertThat(handled).contains("after-cancel");
        });
        awaitConsumers(2);
    }

    @Test
    void theHealthCheckNamesAQueueWithNoConsumerUntilOneRuns() throws Exception {
        AtomicBoolean declareAllowed = new AtomicBoolean(false);
        try (BrokerTap tap = new BrokerTap(RabbitMQEndpoint.amqpUri())) {
            tap.deleteQueue(queue);
        }
        // The base topology is declared on connect; the queue is then deleted again until we allow it.
        start(channel -> {
            if (declareAllowed.get()) {
                topology.declare(channel);
            } else {
                channel.queueDelete(queue);
            }
        }, this::recordAll);
        WorkQueueHealth health = new WorkQueueHealth(runtime, Clock.systemUTC());

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(runtime.states().get(0).liveConsumers()).isZero());
        assertThat(problemsOrError(health)).contains(queue);

        declareAllowed.set(true);
        awaitConsumers(2);
        await().atMost(PATIENCE).untilAsserted(() -> assertThat(health.problems()).isEmpty());
    }

    private List<Outcome> recordAll(List<Delivery> batch) {
        batch.forEach(delivery -> handled.add(text(delivery)));
        return batch.stream().map(delivery -> Outcome.DONE).collect(Collectors.toList());
    }

    private void start(WorkQueueRuntime.Declarations declarations, WorkHandler handler) {
        FailureRouter router = new FailureRouter(publisher, topology);
        runtime = new WorkQueueRuntime(configuration, topology, "runtime-it", router, signer, declarations, Clock.systemUTC());
        runtime.register(queue, configuration.stagePolicy(), handler);
        runtime.start();
    }

    private void awaitConsumers(int expected) {
        await().atMost(PATIENCE).untilAsserted(() ->
            assertThat(runtime.states().get(0).liveConsumers()).isEqualTo(expected));
    }

    private void publish(String text) throws Exception {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        publisher.publish("", queue, true, signer.sign(MessageProperties.persistentJson(text, Instant.now()), body), body);
    }

    private GetResponse awaitDeadLetter() throws Exception {
        try (BrokerTap tap = new BrokerTap(RabbitMQEndpoint.amqpUri())) {
            return tap.next(topology.deadLetterQueue(queue), PATIENCE);
        }
    }

    private static String problemsOrError(WorkQueueHealth health) {
        try {
            return String.join("; ", health.problems());
        } catch (Exception e) {
            return e.getMessage();
        }
    }

    private static String reasonOf(GetResponse dead) {
        return String.valueOf(dead.getProps().getHeaders().get(MessageProperties.DEAD_LETTER_REASON_HEADER));
    }

    private static String text(Delivery delivery) {
        return text(delivery.body());
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }

    private static int recurseForever(int depth) {
        return recurseForever(depth + 1) + 1;
    }
}
