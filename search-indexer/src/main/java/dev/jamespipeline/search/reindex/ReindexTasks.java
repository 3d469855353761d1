package dev.jamespipeline.search.reindex;

import java.time.Clock;
import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.user.api.UsersRepository;

import dev.jamespipeline.core.search.IndexBacklog;
import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.indexer.MailboxReader;

/** Makes re-indexing tasks: for the WebAdmin route, and for a new index at start. */
public class ReindexTasks {
    private final UsersRepository users;
    private final MailboxManager mailboxManager;
    private final MailboxReader reader;
    private final MailIndex index;
    private final IndexBacklog backlog;
    private final Clock clock;

    @Inject
    public ReindexTasks(UsersRepository users, MailboxManager mailboxManager, MailboxReader reader, MailIndex index,
                        IndexBacklog backlog, Clock clock) {
        this.users = users;
        this.mailboxManager = mailboxManager;
        this.reader = reader;
        this.index = index;
        this.backlog = backlog;
        this.clock = clock;
    }

    /** One user's mailboxes, or every user's when {@code onlyUser} is empty. */
    public ReindexTask create(Optional<Username> onlyUser) {
        return new ReindexTask(onlyUser, users, mailboxManager, reader, index, backlog, clock);
    }
}
