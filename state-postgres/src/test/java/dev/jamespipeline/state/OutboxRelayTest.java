package dev.jamespipeline.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DeliverCallback;
import com.zaxxer.hikari.HikariDataSource;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.testing.PostgresTestDatabase;
import dev.jamespipeline.testing.RabbitMQTestVhost;

/**
 * The relay between a real PostgreSQL and a real RabbitMQ (a vhost of its own): deliveries committed by
 * the append hook reach a queue bound to {@code mail.delivered}, and the outbox is left empty.
 */
class OutboxRelayTest {
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final EnvelopeCodec codec = new EnvelopeCodec();
    private final PipelineAppendHook hook = new PipelineAppendHook(codec, Clock.systemUTC());
    private final Map<String, Long> receivedAtNanos = new ConcurrentHashMap<>();
    private final Map<String, Integer> receipts = new ConcurrentHashMap<>();
    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private PostgresTestDatabase database;
    private RabbitMQTestVhost vhost;
    private PipelineConfiguration configuration;
    private Connection consumer;

    @BeforeEach
    void setUp() throws Exception {
        database = PostgresTestDatabase.create(8);
        PipelineStateSchema.migrate(database.dataSource());
        vhost = new RabbitMQTestVhost();
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.AMQP_URI, vhost.amqpUri());
        settings.addProperty(PipelineConfiguration.QUEUE_TYPE, "classic");
        settings.addProperty(PipelineConfiguration.RECOVERY_INTERVAL, "500");
        byte[] key = new byte[32];
        ThreadLocalRandom.current().nextBytes(key);
        settings.addProperty(PipelineConfiguration.SIGNING_KEYS, "k1:" + Base64.getEncoder().encodeToString(key));
        configuration = PipelineConfiguration.from(settings);
        Topology topology = new Topology(configuration);
        // The pipeline's own connection declares the topology, mail.events included.
        try (BrokerConnection declaring = new BrokerConnection(configuration, topology, "outbox-relay-test-topology")) {
            declaring.get();
        }
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(vhost.amqpUri());
        factory.setNetworkRecoveryInterval(500);
        consumer = factory.newConnection("outbox-relay-test-consumer");
        Channel channel = consumer.createChannel();
        // Named and durable: it outlives the connection cut, so nothing published meanwhile is missed.
        channel.queueDeclare("delivered", true, false, false, null);
        channel.queueBind("delivered", topology.mailEventsExchange(), DeliveredEvent.ROUTING_KEY);
        DeliverCallback onDelivered = (tag, delivery) -> {
            String messageId = delivery.getProperties().getMessageId();
            receivedAtNanos.putIfAbsent(messageId, System.nanoTime());
            receipts.merge(messageId, 1, Integer::sum);
        };
        channel.basicConsume("delivered", true, onDelivered, tag -> { });
    }

    @AfterEach
    void tearDown() throws Exception {
        Collections.reverse(closeLast);
        for (AutoCloseable closeable : closeLast) {
            closeable.close();
        }
        consumer.close();
        vhost.close();
        database.close();
    }

    /** Two nodes' relays share the outbox: every delivery is published once, and the latency is printed. */
    @Test
    void everyDeliveryIsPublishedOnceAndTheOutboxEmpties() throws Exception {
        startRelay(database.dataSource(), "node-a");
        startRelay(secondPool(), "node-b");
        Mailbox inbox = Mailboxes.mailbox("bob@example.com", "INBOX");
        List<Long> latenciesMicros = new ArrayList<>();
        for (int uid = 1; uid <= 300; uid++) {
            MailboxMessage message = Mailboxes.message(inbox, uid, Mailboxes.delivery(UUID.randomUUID().toString()));
            long committed = add(inbox, message);
            String messageId = message.getMessageId().serialize();
            awaitReceived(List.of(messageId));
            latenciesMicros.add((receivedAtNanos.get(messageId) - committed) / 1000);
        }
        awaitOutboxEmpty();

        assertThat(receipts).hasSize(300);
        assertThat(receipts.values()).containsOnly(1);
        Collections.sort(latenciesMicros);
        System.out.printf("commit -> mail.delivered consumed, 300 deliveries one at a time: p50 %.1f ms, p90 %.1f ms, "
                + "p99 %.1f ms, max %.1f ms%n", latenciesMicros.get(150) / 1000.0, latenciesMicros.get(270) / 1000.0,
            latenciesMicros.get(297) / 1000.0, latenciesMicros.get(299) / 1000.0);
    }

    /** The broker drops the relay's connection; what was committed meanwhile is published once it is back. */
    @Test
    void deliveriesCommittedWhileTheBrokerConnectionIsLostArePublishedAfterwards() throws Exception {
        startRelay(database.dataSource(), "node-a");
        Mailbox inbox = Mailboxes.mailbox("bob@example.com", "INBOX");
        List<String> messageIds = new ArrayList<>();
        for (int uid = 1; uid <= 50; uid++) {
            messageIds.add(addDelivery(inbox, uid));
        }
        awaitReceived(messageIds);

        vhost.closeConnection("outbox-relay-test-node-a");
        for (int uid = 51; uid <= 100; uid++) {
            messageIds.add(addDelivery(inbox, uid));
        }

        awaitReceived(messageIds);
        awaitOutboxEmpty();
        assertThat(receipts.keySet()).containsExactlyInAnyOrderElementsOf(messageIds);
    }

    private void startRelay(javax.sql.DataSource dataSource, String node) {
        Topology topology = new Topology(configuration);
        BrokerConnection connection = new BrokerConnection(configuration, topology, "outbox-relay-test-" + node);
        ConfirmedPublisher publisher = new ConfirmedPublisher(connection, configuration.publishConfirmTimeout());
        EventPublisher events = new EventPublisher(publisher, topology, codec, new EnvelopeSigner(configuration.signingKeys()));
        OutboxRelay relay = new OutboxRelay(dataSource, events, codec, POLL);
        closeLast.add(connection);
        closeLast.add(publisher);
        closeLast.add(relay);
        relay.start();
    }

    private HikariDataSource secondPool() {
        HikariDataSource pool = OtherNode.pool(database, 4);
        closeLast.add(0, pool);
        return pool;
    }

    private String addDelivery(Mailbox inbox, long uid) throws Exception {
        MailboxMessage message = Mailboxes.message(inbox, uid, Mailboxes.delivery(UUID.randomUUID().toString()));
        add(inbox, message);
        return message.getMessageId().serialize();
    }

    /** @return when the addition committed, in {@link System#nanoTime()} */
    private long add(Mailbox mailbox, MailboxMessage message) throws Exception {
        Jdbc.inTransaction(database.dataSource(), transaction -> {
            hook.added(transaction, mailbox, message);
            return null;
        });
        return System.nanoTime();
    }

    private void awaitReceived(List<String> messageIds) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!receivedAtNanos.keySet().containsAll(messageIds) && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertThat(receivedAtNanos.keySet()).containsAll(messageIds);
    }

    private void awaitOutboxEmpty() throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (Rows.count(database.dataSource(), "pipeline_outbox") > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(Rows.count(database.dataSource(), "pipeline_outbox")).isZero();
    }
}
