package dev.jamespipeline.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.mailetcontainer.api.MailProcessor;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.delivery.DeliveryAnnouncer;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.StorageKeys;
import dev.jamespipeline.core.store.StoredBlob;
import dev.jamespipeline.state.PipelineStateSchema;
import dev.jamespipeline.state.PostgresDeliveryLedger;
import dev.jamespipeline.state.PostgresMessageStore;
import dev.jamespipeline.state.RetentionSweeper;
import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * The stage runner with the PostgreSQL store and ledger: what a completed stage read is released and
 * swept, what a failing stage read stays. The processor stands in for a stage's James processor that
 * ends the mail (as {@code DeliverAsReceived} or {@code PassToNextStage} do), after reading it whole.
 */
class StageRunnerRetentionTest {
    private final EnvelopeCodec codec = new EnvelopeCodec();
    private PostgresTestDatabase database;
    private PostgresMessageStore store;
    private BrokerConnection unusedBroker;

    @BeforeEach
    void createDatabase() {
        database = PostgresTestDatabase.create(4);
        PipelineStateSchema.migrate(database.dataSource());
        store = new PostgresMessageStore(database.dataSource());
    }

    @AfterEach
    void dropDatabase() {
        unusedBroker.close();
        database.close();
    }

    @Test
    void theStoreIsEmptyAfterDeliveryAndTheGracePeriod() throws Exception {
        StageRunner runner = runner(mail -> {
            try {
                assertThat(mail.getMessage().getContent()).isEqualTo("hello\r\n");
            } catch (IOException e) {
                throw new MessagingException("unreadable", e);
            }
            mail.setState(Mail.GHOST);
        });
        for (int i = 0; i < 200; i++) {
            ReceivedEnvelope envelope = received();
            runner.run(envelope, json(envelope));
            // The broker redelivers some envelopes after their ack was lost: the repeat finds STAGE_DONE.
            if (i % 10 == 0) {
                runner.run(envelope, json(envelope));
            }
        }
        assertThat(count("pipeline_message")).isEqualTo(200);
        assertThat(count("pipeline_message WHERE released_at IS NULL")).isZero();

        backdateReleases();
        new RetentionSweeper(database.dataSource(), Duration.ofMinutes(10), Duration.ofDays(7)).sweep();

        assertThat(count("pipeline_message")).isZero();
    }

    @Test
    void aFailingStageKeepsItsMessageForTheRetryOrTheDeadLetter() throws Exception {
        StageRunner runner = runner(mail -> {
            throw new MessagingException("delivery failed");
        });
        ReceivedEnvelope envelope = received();

        assertThatThrownBy(() -> runner.run(envelope, json(envelope))).isInstanceOf(MessagingException.class);
        backdateReleases();
        new RetentionSweeper(database.dataSource(), Duration.ofMinutes(10), Duration.ofDays(7)).sweep();

        assertThat(count("pipeline_message WHERE released_at IS NULL")).isEqualTo(1);
    }

    private StageRunner runner(MailProcessor processor) {
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.SIGNING_KEYS, "k1:" + Base64.getEncoder().encodeToString(new byte[32]));
        PipelineConfiguration configuration = PipelineConfiguration.from(settings);
        Topology topology = new Topology(configuration);
        // The announcer publishes only what an append could not announce; nothing here appends.
        unusedBroker = new BrokerConnection(configuration, topology, "unused");
        EventPublisher events = new EventPublisher(new ConfirmedPublisher(unusedBroker, Duration.ofSeconds(1)), topology, codec,
            new EnvelopeSigner(configuration.signingKeys()));
        PostgresDeliveryLedger ledger = new PostgresDeliveryLedger(database.dataSource());
        return new StageRunner(processor, new StageMailFactory(store), ledger, new DeliveryAnnouncer(ledger, events), store);
    }

    private ReceivedEnvelope received() throws Exception {
        Instant now = Instant.now();
        StoredBlob blob = store.write(StorageKeys.received(now), out -> out.write(
            "From: alice@example.com\r\nTo: bob@example.com\r\nSubject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII)));
        return new ReceivedEnvelope(ReceivedEnvelope.VERSION, UUID.randomUUID().toString(), "example.com",
            ReceivedEnvelope.StorageRef.of(blob), "alice@example.com", List.of("bob@example.com"), "127.0.0.1", "client",
            null, false, now, "route", Map.of());
    }

    private String json(ReceivedEnvelope envelope) {
        return new String(codec.encode(envelope), StandardCharsets.UTF_8);
    }

    private void backdateReleases() throws SQLException {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.execute("UPDATE pipeline_message SET released_at = released_at - interval '11 minutes'");
        }
    }

    private long count(String fromWhere) throws SQLException {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT count(*) FROM " + fromWhere)) {
            result.next();
            return result.getLong(1);
        }
    }
}
