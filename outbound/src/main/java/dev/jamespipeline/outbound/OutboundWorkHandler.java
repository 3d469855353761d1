package dev.jamespipeline.outbound;

import java.util.List;

import dev.jamespipeline.core.broker.MessageProperties;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.InvalidEnvelopeException;
import dev.jamespipeline.core.envelope.OutboundJob;
import dev.jamespipeline.core.runtime.Delivery;
import dev.jamespipeline.core.runtime.Outcome;
import dev.jamespipeline.core.runtime.WorkHandler;

/**
 * The outbound queues' work: decode the job and make one delivery attempt. A job that cannot be
 * valid goes straight to the dead-letter queue; one that fails with an exception (the store or the
 * ledger unreachable) is retried like a deferred one, and given up on with a DSN when too old.
 */
final class OutboundWorkHandler implements WorkHandler {
    private final EnvelopeCodec codec;
    private final OutboundDelivery delivery;

    OutboundWorkHandler(EnvelopeCodec codec, OutboundDelivery delivery) {
        this.codec = codec;
        this.delivery = delivery;
    }

    @Override
    public List<Outcome> handle(List<Delivery> batch) throws Exception {
        Delivery received = batch.get(0);
        OutboundJob job;
        try {
            job = codec.decodeOutbound(received.body());
        } catch (InvalidEnvelopeException e) {
            return List.of(Outcome.reject("invalid outbound job: " + e.getMessage()));
        }
        return List.of(delivery.attempt(job, received.attempt(), generation(received)));
    }

    @Override
    public void beforeDeadLetter(Delivery received, String reason) throws Exception {
        delivery.giveUp(codec.decodeOutbound(received.body()), reason);
    }

    static int generation(Delivery received) {
        Object value = received.properties().getHeaders() == null ? null
            : received.properties().getHeaders().get(MessageProperties.GENERATION_HEADER);
        return value instanceof Number number ? number.intValue() : 0;
    }
}
