package dev.jamespipeline.ops.webadmin;

import java.util.Set;

import org.apache.james.server.task.json.TaskExtensionModule;
import org.apache.james.server.task.json.dto.AdditionalInformationDTO;
import org.apache.james.server.task.json.dto.AdditionalInformationDTOModule;
import org.apache.james.server.task.json.dto.TaskDTO;
import org.apache.james.server.task.json.dto.TaskDTOModule;
import org.apache.james.task.Task;
import org.apache.james.task.TaskExecutionDetails;

/**
 * Lets {@code GET /tasks/<id>} show a dead-letter replay's progress. Listed in {@code extensions.properties}
 * as {@code guice.extension.task}. The task itself is never serialized (James's task manager here keeps
 * tasks in memory), so it has no task DTO.
 */
public class DeadLetterTaskExtension implements TaskExtensionModule {
    @Override
    public Set<TaskDTOModule<? extends Task, ? extends TaskDTO>> taskDTOModules() {
        return Set.of();
    }

    @Override
    public Set<AdditionalInformationDTOModule<? extends TaskExecutionDetails.AdditionalInformation, ? extends AdditionalInformationDTO>>
            taskAdditionalInformationDTOModules() {
        return Set.of(DeadLetterReplayDetailsDTO.MODULE);
    }
}
