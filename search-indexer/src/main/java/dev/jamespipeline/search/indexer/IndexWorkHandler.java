package dev.jamespipeline.search.indexer;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.DeliveredEvent;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.InvalidEnvelopeException;
import dev.jamespipeline.core.runtime.Delivery;
import dev.jamespipeline.core.runtime.FailureRouter;
import dev.jamespipeline.core.runtime.Outcome;
import dev.jamespipeline.core.runtime.WorkHandler;
import dev.jamespipeline.search.index.IndexUnavailableException;

/**
 * The indexer's work on a batch of index events: decode them, then apply them to the index with
 * one bulk request. An event that does not decode is dead-lettered; while OpenSearch is away every
 * event of the batch is retried through the queue's delay tiers.
 */
final class IndexWorkHandler implements WorkHandler {
    private final EnvelopeCodec codec;
    private final IndexUpdater updater;
    private final IndexLag lag;
    private final Batching batching;

    IndexWorkHandler(EnvelopeCodec codec, IndexUpdater updater, IndexLag lag, Batching batching) {
        this.codec = codec;
        this.updater = updater;
        this.lag = lag;
        this.batching = batching;
    }

    @Override
    public Batching batching() {
        return batching;
    }

    @Override
    public List<Outcome> handle(List<Delivery> batch) {
        List<Outcome> outcomes = new ArrayList<>();
        List<Object> events = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (Delivery delivery : batch) {
            try {
                events.add(decode(delivery));
                positions.add(outcomes.size());
                outcomes.add(Outcome.DONE);
            } catch (InvalidEnvelopeException e) {
                outcomes.add(Outcome.reject("invalid event: " + e.getMessage()));
            }
        }
        if (events.isEmpty()) {
            return outcomes;
        }
        List<Optional<String>> failures;
        try {
            failures = updater.apply(events);
        } catch (IndexUnavailableException e) {
            Outcome retry = Outcome.retry("search index unavailable: " + FailureRouter.describe(e));
            positions.forEach(position -> outcomes.set(position, retry));
            return outcomes;
        }
        Instant now = Instant.now();
        for (int i = 0; i < events.size(); i++) {
            Optional<String> failure = failures.get(i);
            if (failure.isPresent()) {
                outcomes.set(positions.get(i), Outcome.retry(failure.get()));
            } else if (events.get(i) instanceof DeliveredEvent delivered) {
                lag.record(Duration.between(delivered.deliveredAt(), now));
            }
        }
        return outcomes;
    }

    /** Events carry their kind as the AMQP type; retried and replayed ones no longer have their routing key. */
    private Object decode(Delivery delivery) throws InvalidEnvelopeException {
        String type = delivery.properties().getType() != null ? delivery.properties().getType() : delivery.routingKey();
        if (DeliveredEvent.ROUTING_KEY.equals(type)) {
            return codec.decodeDelivered(delivery.body());
        }
        return codec.decodeMailboxChange(delivery.body());
    }
}
