package dev.jamespipeline.security.quarantine;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.inject.Inject;
import javax.mail.MessagingException;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.PublishException;
import dev.jamespipeline.core.envelope.ReceivedEnvelope;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.mailets.StageHandOff;

/**
 * Releases quarantined mail to its recipients, or deletes it. A release hands the message, as it was kept, to
 * the stage after the one that quarantined it, under a pipeline id derived from the quarantine id, with the
 * verdict {@code quarantine.released=<id>}; only then is the entry removed. A release repeated after a crash
 * between the two, a double click or a second node publishes the same pipeline id again, and the next stage's
 * ledger runs it once: the mail is delivered once.
 */
public final class QuarantineRelease {
    /** The verdict a released mail carries, naming its quarantine id. */
    public static final String RELEASED_VERDICT = "quarantine.released";

    private final QuarantineRepository repository;
    private final StageHandOff handOff;
    private final MessageStore store;
    private final PipelineConfiguration configuration;
    private final Set<String> releasing = ConcurrentHashMap.newKeySet();

    @Inject
    public QuarantineRelease(QuarantineRepository repository, StageHandOff handOff, MessageStore store,
                             PipelineConfiguration configuration) {
        this.repository = repository;
        this.handOff = handOff;
        this.store = store;
        this.configuration = configuration;
    }

    /** @return the envelope the released mail continues with */
    public ReceivedEnvelope release(String quarantineId) throws UnknownQuarantineException, ReleaseRefusedException,
            MessagingException, IOException, PublishException {
        // The ledger makes concurrent releases harmless; this only spares this node the duplicate work.
        if (!releasing.add(quarantineId)) {
            throw new ReleaseRefusedException("a release of " + quarantineId + " is already running");
        }
        try {
            QuarantinedMail entry = existing(quarantineId);
            ReceivedEnvelope released = handOff(entry);
            repository.remove(entry);
            return released;
        } finally {
            releasing.remove(quarantineId);
        }
    }

    /**
     * The release's hand-off alone: what a release that crashed before removing the entry has done. Repeating
     * it publishes the same envelope.
     */
    ReceivedEnvelope handOff(QuarantinedMail entry) throws ReleaseRefusedException, IOException, PublishException {
        String next = stageAfter(entry.stage());
        store.verify(entry.message());
        Map<String, String> verdicts = new HashMap<>(entry.verdicts());
        verdicts.put(RELEASED_VERDICT, entry.id());
        return handOff.handOff(entry.envelope(), QuarantineIds.released(entry.pipelineId(), entry.id()), next,
            entry.recipients(), verdicts, out -> {
                try (InputStream in = store.open(entry.message().key())) {
                    in.transferTo(out);
                }
            });
    }

    /** Deletes the mail and its entry: it is never delivered. */
    public void delete(String quarantineId) throws UnknownQuarantineException, MessagingException, IOException {
        repository.remove(existing(quarantineId));
    }

    private QuarantinedMail existing(String quarantineId) throws UnknownQuarantineException, MessagingException {
        return repository.find(quarantineId).orElseThrow(() -> new UnknownQuarantineException(quarantineId));
    }

    private String stageAfter(String stage) throws ReleaseRefusedException {
        String next;
        try {
            next = configuration.stageAfter(stage);
        } catch (IllegalArgumentException unknown) {
            throw new ReleaseRefusedException("stage '" + stage + "', which quarantined it, is no longer in pipeline.properties "
                + PipelineConfiguration.STAGES + " " + configuration.stages() + ": add it back to release this mail");
        }
        if (next == null) {
            throw new ReleaseRefusedException("stage '" + stage + "', which quarantined it, is the last one in pipeline.properties "
                + PipelineConfiguration.STAGES + " " + configuration.stages() + ": a released mail continues at the stage "
                + "after the one that quarantined it, and there is none (quarantine in an earlier stage)");
        }
        return next;
    }
}
