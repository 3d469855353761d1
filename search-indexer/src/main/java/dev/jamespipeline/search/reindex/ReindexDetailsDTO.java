package dev.jamespipeline.search.reindex;

import java.time.Instant;
import java.util.Optional;

import org.apache.james.json.DTOModule;
import org.apache.james.server.task.json.dto.AdditionalInformationDTO;
import org.apache.james.server.task.json.dto.AdditionalInformationDTOModule;

/** How WebAdmin's task routes show a re-indexing task's progress. */
public record ReindexDetailsDTO(String type, Optional<String> user, long usersDone, long messagesIndexed,
                                long messagesFailed, Instant timestamp) implements AdditionalInformationDTO {

    public static final AdditionalInformationDTOModule<ReindexTask.Details, ReindexDetailsDTO> MODULE =
        DTOModule.forDomainObject(ReindexTask.Details.class)
            .convertToDTO(ReindexDetailsDTO.class)
            .toDomainObjectConverter(dto -> new ReindexTask.Details(dto.user(), dto.usersDone(), dto.messagesIndexed(),
                dto.messagesFailed(), dto.timestamp()))
            .toDTOConverter((details, type) -> new ReindexDetailsDTO(type, details.user(), details.usersDone(),
                details.messagesIndexed(), details.messagesFailed(), details.timestamp()))
            .typeName(ReindexTask.TYPE.asString())
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
