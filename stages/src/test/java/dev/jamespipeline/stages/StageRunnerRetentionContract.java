package dev.jamespipeline.stages;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import dev.jamespipeline.core.ledger.DeliveryLedger;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKeys;
import dev.jamespipeline.core.store.StoredBlob;

/**
 * The stage runner with a store and ledger that have retention: what a completed stage read is
 * released and swept, what a failing stage read stays (for its retry or the dead-letter queue). The
 * processor stands in for a stage's James processor that ends the mail (as {@code DeliverAsReceived}
 * or {@code PassToNextStage} do), after reading it whole.
 */
abstract class StageRunnerRetentionContract {
    private final EnvelopeCodec codec = new EnvelopeCodec();
    private BrokerConnection unusedBroker;
    /** Set by the backend's test before each test. */
    MessageStore store;
    DeliveryLedger ledger;

    /** Messages in the store, released or not. */
    abstract long storedMessages() throws Exception;

    /** Everything the store holds: messages and whatever it keeps beside them (marks, temp files). */
    abstract long storeEntries() throws Exception;

    /** Runs the backend's sweeper as if the grace period of every release so far were over. */
    abstract void sweepAfterTheGracePeriod() throws Exception;

    @AfterEach
    void closeBroker() {
        unusedBroker.close();
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
            runner.run(envelope, json(envelope), StageAttempt.FIRST);
            // The broker redelivers some envelopes after their ack was lost: the repeat finds STAGE_DONE.
            if (i % 10 == 0) {
                runner.run(envelope, json(envelope), StageAttempt.FIRST);
            }
        }
        assertThat(storedMessages()).isEqualTo(200);

        sweepAfterTheGracePeriod();

        assertThat(storeEntries()).isZero();
    }

    @Test
    void aFailingStageKeepsItsMessageForTheRetryOrTheDeadLetter() throws Exception {
        StageRunner runner = runner(mail -> {
            throw new MessagingException("delivery failed");
        });
        ReceivedEnvelope envelope = received();

        assertThatThrownBy(() -> runner.run(envelope, json(envelope), StageAttempt.FIRST)).isInstanceOf(MessagingException.class);
        sweepAfterTheGracePeriod();

        assertThat(storedMessages()).isEqualTo(1);
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
}
