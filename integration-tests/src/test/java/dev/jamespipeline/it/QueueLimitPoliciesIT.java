package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.apache.commons.configuration2.BaseConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.broker.QueueLimitPolicies;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.runtime.QueuePolicy;

/**
 * With amqp.management.uri, a work queue's limits are a policy: a changed max.length takes effect when
 * the topology is declared again, on the same queue, holding its mail. The prefix has regex symbols, so
 * the broker's own regex engine shows the policy matches its queue and not the queue's retry or DLQ.
 */
class QueueLimitPoliciesIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final String prefix = "policies-it-" + UUID.randomUUID() + ".(a)+[b]*.";
    private PipelineConfiguration configuration;

    @AfterEach
    void deleteQueuesAndPolicies() throws Exception {
        if (configuration != null) {
            TopologyCleanup.delete(RabbitMQEndpoint.amqpUri(), configuration);
        }
    }

    @Test
    void aRaisedMaxLengthTakesEffectOnAQueueHoldingMail() throws Exception {
        configuration = configuration(RabbitMQEndpoint.managementUri(), 1);
        Topology topology = new Topology(configuration);
        String queue = topology.stageQueue("route");
        RabbitMQManagement management = new RabbitMQManagement(RabbitMQEndpoint.amqpUri(), RabbitMQEndpoint.managementUri());

        long heldAtLimitOne;
        try (BrokerConnection connection = new BrokerConnection(configuration, topology, "policies-it");
             ConfirmedPublisher publisher = new ConfirmedPublisher(connection, Duration.ofSeconds(5))) {
            heldAtLimitOne = publishUntilRefused(publisher, topology);
            // The queue's retry tier and DLQ share its name as a prefix; a limit of 1 there would refuse the third.
            for (String neighbour : List.of(topology.retryQueue(queue, 0), topology.deadLetterQueue(queue))) {
                for (int i = 0; i < 3; i++) {
                    publisher.publish("", neighbour, true, MessageProperties.persistentJson(neighbour + i, Instant.now()),
                        "{}".getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        // A quorum queue refuses once it is over its limit, so it may take one more than max-length.
        assertThat(heldAtLimitOne).isBetween(1L, 2L);
        JsonNode declared = awaitEffectiveMaxLength(management, queue, 1);
        assertThat(declared.path("arguments").has("x-max-length")).isFalse();
        assertThat(declared.path("arguments").has("x-overflow")).isFalse();
        assertThat(declared.path("arguments").has("x-delivery-limit")).isFalse();
        assertThat(declared.path("policy").asText()).isEqualTo(QueueLimitPolicies.policyName(queue));
        assertThat(declared.path("effective_policy_definition").path("overflow").asText()).isEqualTo("reject-publish");
        assertThat(declared.path("effective_policy_definition").path("delivery-limit").asInt()).isEqualTo(5);

        configuration = configuration(RabbitMQEndpoint.managementUri(), 3);
        Topology raised = new Topology(configuration);
        try (BrokerConnection connection = new BrokerConnection(configuration, raised, "policies-it-raised");
             ConfirmedPublisher publisher = new ConfirmedPublisher(connection, Duration.ofSeconds(5))) {
            connection.get();
            awaitEffectiveMaxLength(management, queue, 3);
            assertThat(readyCount(queue)).as("the queue kept its mail").isEqualTo(heldAtLimitOne);
            // The queue applies a changed policy on its own, moments after the broker stored it.
            await().atMost(WAIT).until(() -> accepted(publisher, raised, "after-raise"));
            long held = publishUntilRefused(publisher, raised);
            assertThat(held).isBetween(3L, 4L);
            assertThat(held - heldAtLimitOne).as("accepted after the raise").isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void switchingPoliciesOnForAQueueDeclaredWithXArgumentsSaysWhatToDo() throws Exception {
        configuration = configuration("", 1);
        try (BrokerConnection connection = new BrokerConnection(configuration, new Topology(configuration), "policies-it-xargs")) {
            connection.get();
        }
        configuration = configuration(RabbitMQEndpoint.managementUri(), 1);
        try (BrokerConnection connection = new BrokerConnection(configuration, new Topology(configuration), "policies-it-on")) {
            assertThatThrownBy(connection::get)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("PRECONDITION_FAILED")
                .hasMessageContaining(PipelineConfiguration.QUEUE_TYPE)
                .hasMessageContaining(PipelineConfiguration.MANAGEMENT_URI)
                .hasMessageContaining("drain and delete the queue");
        }
    }

    @Test
    void anUnreachableManagementApiFailsTheDeclarationAndNamesTheKey() throws Exception {
        int closedPort = FreePort.next();
        configuration = configuration("http://127.0.0.1:" + closedPort, 1);
        try (BrokerConnection connection = new BrokerConnection(configuration, new Topology(configuration), "policies-it-down")) {
            assertThatThrownBy(connection::get)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("Cannot set RabbitMQ policy")
                .hasMessageContaining(PipelineConfiguration.MANAGEMENT_URI);
        }
    }

    /** The management API reports a queue's policy with its statistics, which it collects every few seconds. */
    private static JsonNode awaitEffectiveMaxLength(RabbitMQManagement management, String queue, int maxLength) {
        return await().atMost(WAIT).until(() -> management.queue(queue),
            reported -> reported.path("effective_policy_definition").path("max-length").asInt() == maxLength);
    }

    /** Publishes until the broker refuses one (at most 10); answers how many ready messages the queue then holds. */
    private long publishUntilRefused(ConfirmedPublisher publisher, Topology topology) throws Exception {
        for (int attempt = 0; attempt < 10; attempt++) {
            if (!accepted(publisher, topology, "fill-" + attempt)) {
                return readyCount(topology.stageQueue("route"));
            }
        }
        throw new AssertionError("10 publishes accepted: the queue has no length limit");
    }

    private static boolean accepted(ConfirmedPublisher publisher, Topology topology, String id) throws Exception {
        try {
            publisher.publish(topology.stagesExchange(), "route", true, MessageProperties.persistentJson(id, Instant.now()),
                "{}".getBytes(StandardCharsets.UTF_8));
            return true;
        } catch (PublishException e) {
            assertThat(e).hasMessageContaining("refused");
            return false;
        }
    }

    private static long readyCount(String queue) throws Exception {
        try (BrokerTap tap = new BrokerTap(RabbitMQEndpoint.amqpUri())) {
            return tap.readyCount(queue);
        }
    }

    private PipelineConfiguration configuration(String managementUri, int maxLength) {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.AMQP_URI, RabbitMQEndpoint.amqpUri());
        settings.addProperty(PipelineConfiguration.MANAGEMENT_URI, managementUri);
        settings.addProperty(PipelineConfiguration.NAME_PREFIX, prefix);
        settings.addProperty(PipelineConfiguration.STAGE_POLICY + QueuePolicy.MAX_LENGTH, Integer.toString(maxLength));
        return PipelineConfiguration.from(settings);
    }
}
