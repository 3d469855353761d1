package dev.jamespipeline.search.reindex;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.task.TaskId;
import org.apache.james.task.TaskManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.jamespipeline.search.indexer.NewIndexListener;

/**
 * Fills a new, empty index (first start, a new index name after an upgrade, a lost index found at
 * start) with a re-index of every user, submitted as a James task at once. Until it completes,
 * the backlog lists every mailbox whole, so searches scan rather than miss what is not indexed yet.
 */
public class NewIndexRebuild implements NewIndexListener {
    private static final Logger LOGGER = LoggerFactory.getLogger(NewIndexRebuild.class);

    private final TaskManager taskManager;
    private final ReindexTasks tasks;

    @Inject
    public NewIndexRebuild(TaskManager taskManager, ReindexTasks tasks) {
        this.taskManager = taskManager;
        this.tasks = tasks;
    }

    @Override
    public void created() {
        TaskId id = taskManager.submit(tasks.create(Optional.empty()));
        LOGGER.warn("The search index was created empty: re-indexing every user (task {}); until it completes, "
            + "searches scan the mailboxes (exact, slower)", id.asString());
    }
}
