package dev.jamespipeline.core.ingest;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.PipelineIds;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.core.store.StorageKeys;
import dev.jamespipeline.core.store.StoredBlob;

/**
 * Takes durable responsibility for a message: the raw bytes are fsync'd into the store, then
 * {@code mail.received} is confirmed by the broker. Only then may James answer 250. If either
 * step fails, the stored bytes are withdrawn again and the caller answers 451.
 */
public final class MailIngestor {
    private static final Logger LOGGER = LoggerFactory.getLogger(MailIngestor.class);
    private final MessageStore store;
    private final EventPublisher events;
    private final PipelineConfiguration configuration;
    private final Clock clock;

    public MailIngestor(MessageStore store, EventPublisher events, PipelineConfiguration configuration, Clock clock) {
        this.store = store;
        this.events = events;
        this.configuration = configuration;
        this.clock = clock;
    }

    public ReceivedEnvelope ingest(IngestRequest request) throws IngestException {
        String pipelineId = request.pipelineId().orElseGet(PipelineIds::next);
        Instant receivedAt = clock.instant();
        StorageKey key = StorageKeys.received(receivedAt);
        StoredBlob blob;
        try {
            blob = store.write(key, request.body());
        } catch (IOException | RuntimeException e) {
            throw new IngestException("message store write failed: " + e.getMessage(), e);
        }
        ReceivedEnvelope envelope = new ReceivedEnvelope(
            ReceivedEnvelope.VERSION, pipelineId, domainOf(request.recipients().get(0)),
            ReceivedEnvelope.StorageRef.of(blob), request.sender(), request.recipients(),
            request.clientIp(), request.helo(), request.authUser(), request.relayAllowed(),
            receivedAt, configuration.firstStage(), Map.of());
        try {
            events.received(envelope);
            return envelope;
        } catch (PublishException e) {
            withdraw(key);
            throw new IngestException("mail.received was not confirmed: " + e.getMessage(), e);
        }
    }

    /** Unconfirmed is not refused: the envelope may have reached the broker, hence a withdrawal, not a delete. */
    private void withdraw(StorageKey key) {
        try {
            store.withdraw(key);
        } catch (IOException e) {
            LOGGER.error("Could not withdraw the stored copy {} of a message the broker did not confirm", key, e);
        }
    }

    private static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase();
    }
}
