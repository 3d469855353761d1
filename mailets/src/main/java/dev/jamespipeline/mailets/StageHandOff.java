package dev.jamespipeline.mailets;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import javax.inject.Inject;

import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.BodyWriter;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKeys;
import dev.jamespipeline.core.store.StoredBlob;

/**
 * Gives a message to a stage: stores it under the stage hand-off key of {@code pipelineId} and publishes
 * its envelope to the stage's queue, confirmed. {@link PassToNextStage} and a quarantine release both hand
 * off this way. The key is stable, so a repeated hand-off overwrites its own copy instead of leaving another.
 */
public final class StageHandOff {
    private final MessageStore store;
    private final EventPublisher events;

    @Inject
    public StageHandOff(MessageStore store, EventPublisher events) {
        this.store = store;
        this.events = events;
    }

    /**
     * @param current the envelope the message came with: its connection facts and reception time travel on
     * @return the envelope published
     */
    public ReceivedEnvelope handOff(ReceivedEnvelope current, String pipelineId, String stage, List<String> recipients,
                                    Map<String, String> verdicts, BodyWriter message) throws IOException, PublishException {
        StoredBlob blob = store.write(StorageKeys.stageHandoff(pipelineId, stage), message);
        ReceivedEnvelope handoff = new ReceivedEnvelope(ReceivedEnvelope.VERSION, pipelineId, current.domain(),
            ReceivedEnvelope.StorageRef.of(blob), current.sender(), recipients, current.clientIp(), current.helo(),
            current.authUser(), current.relayAllowed(), current.receivedAt(), stage, verdicts);
        events.handedOff(handoff);
        return handoff;
    }
}
