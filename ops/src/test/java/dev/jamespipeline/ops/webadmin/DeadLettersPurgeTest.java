package dev.jamespipeline.ops.webadmin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.apache.commons.configuration2.BaseConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.StorageKeys;
import dev.jamespipeline.core.store.StoredBlob;
import dev.jamespipeline.state.PipelineStateSchema;
import dev.jamespipeline.state.PostgresMessageStore;
import dev.jamespipeline.testing.PostgresTestDatabase;
import dev.jamespipeline.testing.RabbitMQTestVhost;

/** A purge against a real broker and the PostgreSQL store: it releases what signed dead letters name, only that. */
class DeadLettersPurgeTest {
    private final EnvelopeCodec codec = new EnvelopeCodec();
    private PostgresTestDatabase database;
    private RabbitMQTestVhost vhost;
    private BrokerConnection connection;
    private PostgresMessageStore store;
    private PipelineConfiguration configuration;
    private EnvelopeSigner signer;

    @BeforeEach
    void setUp() throws Exception {
        database = PostgresTestDatabase.create(4);
        PipelineStateSchema.migrate(database.dataSource());
        store = new PostgresMessageStore(database.dataSource());
        vhost = new RabbitMQTestVhost();
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.AMQP_URI, vhost.amqpUri());
        settings.addProperty(PipelineConfiguration.QUEUE_TYPE, "classic");
        byte[] key = new byte[32];
        ThreadLocalRandom.current().nextBytes(key);
        settings.addProperty(PipelineConfiguration.SIGNING_KEYS, "k1:" + Base64.getEncoder().encodeToString(key));
        configuration = PipelineConfiguration.from(settings);
        signer = new EnvelopeSigner(configuration.signingKeys());
        connection = new BrokerConnection(configuration, new Topology(configuration), "dead-letters-purge-test");
    }

    @AfterEach
    void tearDown() throws Exception {
        connection.close();
        vhost.close();
        database.close();
    }

    @Test
    void aPurgeReleasesTheMessagesOfSignedDeadLettersOnly() throws Exception {
        Topology topology = new Topology(configuration);
        String stageQueue = topology.stageQueue("route");
        String deadLetters = topology.deadLetterQueue(stageQueue);
        ReceivedEnvelope deadLettered = envelope(store.write(StorageKeys.received(Instant.now()), out -> out.write('a')));
        ReceivedEnvelope inFlight = envelope(store.write(StorageKeys.received(Instant.now()), out -> out.write('b')));
        Channel channel = connection.get().createChannel();
        byte[] signedBody = codec.encode(deadLettered);
        channel.basicPublish("", deadLetters, signer.sign(properties(), signedBody), signedBody);
        // A forged envelope, dead-lettered for its missing signature, naming a message another stage still works on.
        channel.basicPublish("", deadLetters, properties(), codec.encode(inFlight));
        channel.basicPublish("", deadLetters, properties(), "not json".getBytes(StandardCharsets.UTF_8));
        channel.close();

        long purged = new DeadLetters(new AdminChannels(connection), topology, codec, signer, store).purge(stageQueue);

        assertThat(purged).isEqualTo(3);
        assertThat(released(deadLettered)).isTrue();
        assertThat(released(inFlight)).isFalse();
    }

    private static AMQP.BasicProperties properties() {
        return MessageProperties.persistentJson(UUID.randomUUID().toString(), Instant.now()).builder()
            .type(ReceivedEnvelope.ROUTING_KEY).build();
    }

    private static ReceivedEnvelope envelope(StoredBlob blob) {
        return new ReceivedEnvelope(ReceivedEnvelope.VERSION, UUID.randomUUID().toString(), "example.com",
            ReceivedEnvelope.StorageRef.of(blob), "alice@example.com", List.of("bob@example.com"), null, null, null, false,
            Instant.now(), "route", Map.of());
    }

    private boolean released(ReceivedEnvelope envelope) throws Exception {
        try (Connection sql = database.dataSource().getConnection();
             PreparedStatement select = sql.prepareStatement("SELECT released_at IS NOT NULL FROM pipeline_message WHERE storage_key = ?")) {
            select.setString(1, envelope.storage().key());
            try (ResultSet row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                return row.getBoolean(1);
            }
        }
    }
}
