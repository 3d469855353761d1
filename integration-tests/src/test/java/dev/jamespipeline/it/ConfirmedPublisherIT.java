package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.apache.commons.configuration2.BaseConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.broker.Topology;

/** The publisher's promise against a real broker: success means confirmed and routed, anything else throws. */
class ConfirmedPublisherIT {
    private final String exchange = "publisher-it-" + UUID.randomUUID();
    private final String queue = exchange + ".queue";
    private Connection admin;
    private Channel channel;
    private BrokerConnection brokerConnection;
    private ConfirmedPublisher publisher;
    private PipelineConfiguration configuration;

    @BeforeEach
    void setUp() throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(RabbitMQEndpoint.amqpUri());
        admin = factory.newConnection();
        channel = admin.createChannel();
        channel.exchangeDeclare(exchange, "direct", false, true, null);
        channel.queueDeclare(queue, false, false, true, Map.of("x-max-length", 1, "x-overflow", "reject-publish"));
        channel.queueBind(queue, exchange, "routed");
        configuration = configuration(RabbitMQEndpoint.amqpUri());
        brokerConnection = new BrokerConnection(configuration, new Topology(configuration), "publisher-it");
        publisher = new ConfirmedPublisher(brokerConnection, Duration.ofSeconds(5));
    }

    @AfterEach
    void tearDown() throws Exception {
        publisher.close();
        brokerConnection.close();
        channel.queueDelete(queue);
        channel.exchangeDelete(exchange);
        admin.close();
        TopologyCleanup.delete(RabbitMQEndpoint.amqpUri(), configuration);
    }

    @Test
    void aRoutedPublishIsConfirmedAndDurable() throws Exception {
        publisher.publish(exchange, "routed", true, MessageProperties.persistentJson("m1", Instant.now()), body());

        assertThat(channel.basicGet(queue, true).getProps().getDeliveryMode()).isEqualTo(2);
    }

    @Test
    void anUnroutableMandatoryPublishFails() {
        assertThatThrownBy(() -> publisher.publish(exchange, "nowhere", true,
            MessageProperties.persistentJson("m2", Instant.now()), body()))
            .isInstanceOf(PublishException.class)
            .hasMessageContaining("unroutable");
    }

    @Test
    void aPublishTheBrokerRefusesFails() throws Exception {
        publisher.publish(exchange, "routed", true, MessageProperties.persistentJson("fills", Instant.now()), body());

        assertThatThrownBy(() -> publisher.publish(exchange, "routed", true,
            MessageProperties.persistentJson("overflows", Instant.now()), body()))
            .isInstanceOf(PublishException.class)
            .hasMessageContaining("refused");
    }

    @Test
    void anUnreachableBrokerFailsFastWithAClearMessage() throws Exception {
        int closedPort = FreePort.next();
        PipelineConfiguration unreachable = configuration("amqp://guest:guest@127.0.0.1:" + closedPort + "/%2F");
        try (BrokerConnection connection = new BrokerConnection(unreachable, new Topology(unreachable), "unreachable");
             ConfirmedPublisher failing = new ConfirmedPublisher(connection, Duration.ofSeconds(5))) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> failing.publish(exchange, "routed", true,
                MessageProperties.persistentJson("m3", Instant.now()), body()))
                .isInstanceOf(PublishException.class)
                .hasMessageContaining("Cannot connect to RabbitMQ at 127.0.0.1:" + closedPort);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        }
    }

    private static PipelineConfiguration configuration(String uri) {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.AMQP_URI, uri);
        settings.addProperty(PipelineConfiguration.NAME_PREFIX, "publisher-it-" + UUID.randomUUID() + ".");
        return PipelineConfiguration.from(settings);
    }

    private static byte[] body() {
        return "{}".getBytes(StandardCharsets.UTF_8);
    }
}
