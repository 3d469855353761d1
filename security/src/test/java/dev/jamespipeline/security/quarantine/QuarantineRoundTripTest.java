package dev.jamespipeline.security.quarantine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.mail.MessagingException;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.commons.configuration2.BaseHierarchicalConfiguration;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.mailrepository.api.Protocol;
import org.apache.james.mailrepository.memory.MailRepositoryStoreConfiguration;
import org.apache.james.mailrepository.memory.MemoryMailRepository;
import org.apache.james.mailrepository.memory.MemoryMailRepositoryStore;
import org.apache.james.mailrepository.memory.MemoryMailRepositoryUrlStore;
import org.apache.james.mailrepository.memory.SimpleMailRepositoryLoader;
import org.apache.james.server.core.MailImpl;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConfirmedPublisher;
import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.EnvelopeSigner;
import dev.jamespipeline.core.envelope.MailQuarantined;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.FileMessageStore;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.core.store.StorageKeys;
import dev.jamespipeline.core.store.StoredBlob;
import dev.jamespipeline.mailets.PipelineAttributes;
import dev.jamespipeline.mailets.StageHandOff;
import dev.jamespipeline.mailets.StoredMessageSource;
import dev.jamespipeline.testing.RabbitMQTestVhost;

/**
 * The quarantine's own pieces against real ones: James's memory mail repository store, the file message store,
 * and RabbitMQ (a vhost of its own), with stages {@code check,route}.
 */
class QuarantineRoundTripTest {
    private static final String BOB = "bob@example.com";
    private static final String CAROL = "carol@example.com";
    private static final EnvelopeCodec CODEC = new EnvelopeCodec();
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule());
    /** An 8-bit (UTF-8) Subject: James's repositories rewrite such bytes, the store keeps them. */
    private static final byte[] MESSAGE = ("From: alice@example.org\r\nTo: bob@example.com\r\nSubject: caf\u00e9 \u2603\r\n"
        + "\r\nhello\r\n").getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path storeRoot;

    private RabbitMQTestVhost vhost;
    private BrokerConnection broker;
    private Connection reader;
    private Channel channel;
    private FileMessageStore store;
    private PipelineConfiguration configuration;
    private Topology topology;
    private QuarantineRepository repository;
    private RepositoryMailQuarantine quarantine;
    private QuarantineRelease release;
    private String announcements;

    @BeforeEach
    void start() throws Exception {
        vhost = new RabbitMQTestVhost();
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.AMQP_URI, vhost.amqpUri());
        settings.addProperty(PipelineConfiguration.STAGES, "check,route");
        settings.addProperty(PipelineConfiguration.SIGNING_KEYS, "k1:" + Base64.getEncoder().encodeToString(new byte[32]));
        configuration = PipelineConfiguration.from(settings);
        topology = new Topology(configuration);
        broker = new BrokerConnection(configuration, topology, "quarantine-test");
        broker.get();
        EventPublisher events = new EventPublisher(new ConfirmedPublisher(broker, Duration.ofSeconds(5)), topology, CODEC,
            new EnvelopeSigner(configuration.signingKeys()));
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(vhost.amqpUri());
        reader = factory.newConnection("quarantine-test-reader");
        channel = reader.createChannel();
        announcements = channel.queueDeclare().getQueue();
        channel.queueBind(announcements, topology.mailEventsExchange(), MailQuarantined.ROUTING_KEY);

        store = new FileMessageStore(storeRoot);
        MemoryMailRepositoryStore repositories = new MemoryMailRepositoryStore(new MemoryMailRepositoryUrlStore(),
            new SimpleMailRepositoryLoader(), MailRepositoryStoreConfiguration.forItems(new MailRepositoryStoreConfiguration.Item(
                List.of(new Protocol("memory")), MemoryMailRepository.class.getName(), new BaseHierarchicalConfiguration())));
        repositories.init();
        BaseConfiguration quarantineSettings = new BaseConfiguration();
        quarantineSettings.addProperty(QuarantineSettings.REPOSITORY_URL, "memory://var/mail/quarantine/");
        repository = new QuarantineRepository(repositories, QuarantineSettings.from(quarantineSettings), store, CODEC);
        quarantine = new RepositoryMailQuarantine(repository, events, CODEC, Clock.systemUTC());
        release = new QuarantineRelease(repository, new StageHandOff(store, events), store, configuration);
    }

    @AfterEach
    void stop() throws Exception {
        reader.close();
        broker.close();
        vhost.close();
    }

    @Test
    void keptBytesAreTheStagesAndReleasedByteExactToTheNextStageUnderADerivedId() throws Exception {
        MailImpl mail = stageMail("check", 0, BOB, CAROL);
        String id = quarantine.quarantine(mail, List.of(new MailAddress(BOB)), "virus Eicar");

        MailQuarantined event = JSON.readValue(next(announcements), MailQuarantined.class);
        assertThat(event.quarantineId()).isEqualTo(id);
        assertThat(event.recipients()).containsExactly(BOB);
        assertThat(event.size()).isEqualTo(MESSAGE.length);
        QuarantinedMail kept = repository.find(id).orElseThrow();
        assertThat(kept.verdicts()).containsEntry("spf", "pass");

        ReceivedEnvelope released = release.release(id);

        assertThat(released.pipelineId()).isEqualTo(QuarantineIds.released(mail.getName(), id));
        assertThat(released.stage()).isEqualTo("route");
        assertThat(released.recipients()).containsExactly(BOB);
        assertThat(released.verdicts()).containsEntry("spf", "pass").containsEntry(QuarantineRelease.RELEASED_VERDICT, id);
        assertThat(bytes(released.storage().key())).isEqualTo(MESSAGE);
        ReceivedEnvelope published = CODEC.decodeReceived(next(topology.stageQueue("route")));
        assertThat(published).isEqualTo(released);
        assertThat(repository.find(id)).isEmpty();
        assertThatThrownBy(() -> release.release(id)).isInstanceOf(UnknownQuarantineException.class);
    }

    @Test
    void aReleaseRepeatedAfterACrashBeforeTheRemovalPublishesTheSameEnvelope() throws Exception {
        String id = quarantine.quarantine(stageMail("check", 0, BOB), List.of(new MailAddress(BOB)), "spam");
        QuarantinedMail kept = repository.find(id).orElseThrow();

        ReceivedEnvelope first = release.handOff(kept);
        ReceivedEnvelope repeated = release.release(id);

        assertThat(repeated).isEqualTo(first);
        assertThat(CODEC.decodeReceived(next(topology.stageQueue("route")))).isEqualTo(first);
        assertThat(CODEC.decodeReceived(next(topology.stageQueue("route")))).isEqualTo(first);
    }

    @Test
    void theSameAttemptAddsRecipientsALaterAttemptReplacesThem() throws Exception {
        String id = quarantine.quarantine(stageMail("check", 0, BOB, CAROL), List.of(new MailAddress(BOB)), "spam");
        assertThat(quarantine.quarantine(stageMail("check", 0, BOB, CAROL), List.of(new MailAddress(CAROL)), "spam"))
            .isEqualTo(id);
        assertThat(repository.find(id).orElseThrow().recipients()).containsExactly(BOB, CAROL);

        quarantine.quarantine(stageMail("check", 1, BOB, CAROL), List.of(new MailAddress(CAROL)), "spam");

        assertThat(repository.find(id).orElseThrow().recipients()).containsExactly(CAROL);
        assertThat(repository.list(0, 10).total()).isEqualTo(1);
    }

    @Test
    void mailTheLastStageKeptIsNotReleasedAndStaysKept() throws Exception {
        String id = quarantine.quarantine(stageMail("route", 0, BOB), List.of(new MailAddress(BOB)), "dmarc reject");

        assertThatThrownBy(() -> release.release(id)).isInstanceOf(ReleaseRefusedException.class)
            .hasMessageContaining("'route'").hasMessageContaining("last one");

        assertThat(repository.find(id)).isPresent();
        assertThat(bytes(StorageKeys.quarantine(id).value())).isEqualTo(MESSAGE);
    }

    @Test
    void aDeletedMailIsForgottenAndItsBytesReleased() throws Exception {
        String id = quarantine.quarantine(stageMail("check", 0, BOB), List.of(new MailAddress(BOB)), "virus");

        release.delete(id);

        assertThat(repository.find(id)).isEmpty();
        assertThat(repository.list(0, 10).entries()).isEmpty();
        assertThatThrownBy(() -> release.delete(id)).isInstanceOf(UnknownQuarantineException.class);
        assertThat(storeRoot.resolve("quarantine").resolve("." + id + ".eml.released")).exists();
    }

    @Test
    void aHostileReasonIsKeptOnOneBoundedLineAndOnlyTheMailsRecipientsCanBeQuarantined() throws Exception {
        String reason = "virus Evil\r\nX-Injected: yes\u0000" + "x".repeat(5_000);
        String id = quarantine.quarantine(stageMail("check", 0, BOB), List.of(new MailAddress(BOB)), reason);

        String kept = repository.find(id).orElseThrow().reason();
        assertThat(kept).startsWith("virus Evil  X-Injected: yes ").doesNotContain("\r", "\n", "\u0000")
            .hasSize(RepositoryMailQuarantine.MAX_REASON_LENGTH + 3);
        assertThatThrownBy(() -> quarantine.quarantine(stageMail("check", 0, BOB), List.of(new MailAddress(CAROL)), "spam"))
            .isInstanceOf(MessagingException.class).hasMessageContaining("not all of them are its recipients");
    }

    /** A mail as a stage has it: the envelope it started with, its attempt, a verdict, the stored bytes. */
    private MailImpl stageMail(String stage, int attempt, String... recipients) throws Exception {
        String pipelineId = "pipeline-" + stage + "-fixed";
        StoredBlob blob = store.write(new StorageKey("received/" + pipelineId + ".eml"), out -> out.write(MESSAGE));
        ReceivedEnvelope envelope = new ReceivedEnvelope(ReceivedEnvelope.VERSION, pipelineId, "example.com",
            ReceivedEnvelope.StorageRef.of(blob), "alice@example.org", List.of(recipients), "192.0.2.10", "mx.example.org",
            null, false, Instant.parse("2026-12-06T12:00:00Z"), stage, Map.of("spf", "pass"));
        MailImpl.Builder builder = MailImpl.builder().name(pipelineId).sender(MaybeSender.of(new MailAddress("alice@example.org")))
            .state(stage)
            .addAttribute(new Attribute(PipelineAttributes.ENVELOPE,
                AttributeValue.of(new String(CODEC.encode(envelope), StandardCharsets.UTF_8))))
            .addAttribute(new Attribute(PipelineAttributes.ATTEMPT, AttributeValue.of(attempt)));
        for (String recipient : recipients) {
            builder.addRecipient(recipient);
        }
        MailImpl mail = builder.build();
        mail.setMessageContent(new StoredMessageSource(store, blob));
        PipelineAttributes.setPipelineId(mail, pipelineId);
        PipelineAttributes.setVerdict(mail, "spf", "pass");
        return mail;
    }

    private byte[] next(String queue) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            GetResponse response = channel.basicGet(queue, true);
            if (response != null) {
                return response.getBody();
            }
            Thread.sleep(20);
        }
        throw new AssertionError("nothing arrived in " + queue);
    }

    private byte[] bytes(String key) throws Exception {
        try (InputStream in = store.open(new StorageKey(key))) {
            return in.readAllBytes();
        }
    }
}
