package dev.jamespipeline.stages;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.envelope.InvalidEnvelopeException;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.runtime.Delivery;
import dev.jamespipeline.core.runtime.FailureRouter;
import dev.jamespipeline.core.runtime.Outcome;
import dev.jamespipeline.core.runtime.QueuePolicy;
import dev.jamespipeline.core.runtime.WorkHandler;

/**
 * A stage's work on one envelope: decode and check it, then run the stage's James processor. An
 * envelope that cannot be valid goes straight to the dead-letter queue; a processor failure is
 * thrown to the runtime, which retries it, and when no retry is left the sender gets a DSN.
 */
final class StageWorkHandler implements WorkHandler {
    private final String stage;
    private final EnvelopeCodec codec;
    private final StageRunner runner;
    private final DeadLetterNotice notice;
    private final QueuePolicy policy;
    private final Clock clock;

    StageWorkHandler(String stage, EnvelopeCodec codec, StageRunner runner, DeadLetterNotice notice, QueuePolicy policy,
                     Clock clock) {
        this.stage = stage;
        this.codec = codec;
        this.runner = runner;
        this.notice = notice;
        this.policy = policy;
        this.clock = clock;
    }

    @Override
    public List<Outcome> handle(List<Delivery> batch) throws Exception {
        Delivery delivery = batch.get(0);
        ReceivedEnvelope envelope;
        try {
            envelope = codec.decodeReceived(delivery.body());
        } catch (InvalidEnvelopeException e) {
            return List.of(Outcome.reject("invalid envelope: " + e.getMessage()));
        }
        if (!stage.equals(envelope.stage())) {
            return List.of(Outcome.reject("envelope is addressed to stage '" + envelope.stage() + "', not '" + stage + "'"));
        }
        // The runtime decides the same way whether a failure is retried or dead-lettered.
        boolean last = FailureRouter.nextDelay(policy, delivery, clock.instant()).isEmpty();
        runner.run(envelope, new String(delivery.body(), StandardCharsets.UTF_8), new StageAttempt(delivery.attempt(), last));
        return List.of(Outcome.DONE);
    }

    /** Only messages that failed every retry get here (rejected ones never do): their sender hears of it. */
    @Override
    public void beforeDeadLetter(Delivery delivery, String reason) throws Exception {
        notice.notifySender(codec.decodeReceived(delivery.body()), reason);
    }
}
