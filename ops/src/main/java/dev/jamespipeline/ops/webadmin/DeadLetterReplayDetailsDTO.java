package dev.jamespipeline.ops.webadmin;

import java.time.Instant;
import java.util.Optional;

import org.apache.james.json.DTOModule;
import org.apache.james.server.task.json.dto.AdditionalInformationDTO;
import org.apache.james.server.task.json.dto.AdditionalInformationDTOModule;

/** How WebAdmin's task routes show a dead-letter replay's progress (registered by {@link DeadLetterTaskExtension}). */
public record DeadLetterReplayDetailsDTO(String type, Optional<String> queue, Optional<String> messageId, long replayed,
                                         long remaining, Optional<String> error, Instant timestamp)
        implements AdditionalInformationDTO {

    public static final AdditionalInformationDTOModule<DeadLetterReplayTask.Details, DeadLetterReplayDetailsDTO> MODULE =
        DTOModule.forDomainObject(DeadLetterReplayTask.Details.class)
            .convertToDTO(DeadLetterReplayDetailsDTO.class)
            .toDomainObjectConverter(dto -> new DeadLetterReplayTask.Details(dto.queue(), dto.messageId(), dto.replayed(),
                dto.remaining(), dto.error(), dto.timestamp()))
            .toDTOConverter((details, type) -> new DeadLetterReplayDetailsDTO(type, details.queue(), details.messageId(),
                details.replayed(), details.remaining(), details.error(), details.timestamp()))
            .typeName(DeadLetterReplayTask.TYPE.asString())
            .withFactory(AdditionalInformationDTOModule::new);

    @Override
    public String getType() {
        return type;
    }

    @Override
    public Instant getTimestamp() {
        return timestamp;
    }
}
