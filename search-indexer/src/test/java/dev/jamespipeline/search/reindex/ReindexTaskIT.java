package dev.jamespipeline.search.reindex;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.core.Domain;
import org.apache.james.core.Username;
import org.apache.james.domainlist.lib.DomainListConfiguration;
import org.apache.james.domainlist.memory.MemoryDomainList;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.inmemory.InMemoryId;
import org.apache.james.mailbox.inmemory.InMemoryMailboxManager;
import org.apache.james.mailbox.inmemory.manager.InMemoryIntegrationResources;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.task.Task;
import org.apache.james.user.memory.MemoryUsersRepository;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.search.IndexBacklog;
import dev.jamespipeline.core.search.InMemoryIndexBacklog;
import dev.jamespipeline.search.document.AttachmentTextExtractor;
import dev.jamespipeline.search.document.ExtractionLimits;
import dev.jamespipeline.search.document.MessageDocument;
import dev.jamespipeline.search.document.MessageDocumentBuilder;
import dev.jamespipeline.search.index.IndexOperation;
import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.indexer.MailboxReader;
import dev.jamespipeline.search.testing.ScratchIndex;

/**
 * A re-index of every user, on James's in-memory mailbox and a real OpenSearch, over an index that
 * already holds the user's documents: afterwards the index holds a document for every message
 * there is and none for a message that is gone, and the backlog no longer lists the mailboxes.
 */
class ReindexTaskIT {
    private static final Username BOB = Username.of("bob@example.com");

    private InMemoryIntegrationResources resources;
    private InMemoryMailboxManager mailboxManager;
    private MailboxSession session;
    private MessageManager inbox;
    private String mailboxId;
    private AttachmentTextExtractor extractor;
    private ScratchIndex scratch;
    private MailIndex index;
    private final IndexBacklog backlog = new InMemoryIndexBacklog();

    @BeforeEach
    void threeMessagesIndexed() throws Exception {
        resources = InMemoryIntegrationResources.defaultResources();
        mailboxManager = resources.getMailboxManager();
        session = mailboxManager.createSystemSession(BOB);
        MailboxPath path = MailboxPath.inbox(session);
        mailboxManager.createMailbox(path, session);
        inbox = mailboxManager.getMailbox(path, session);
        mailboxId = inbox.getId().serialize();
        for (int i = 1; i <= 3; i++) {
            inbox.appendMessage(MessageManager.AppendCommand.builder().withFlags(new Flags()).notRecent()
                .build(("Subject: message " + i + "\r\n\r\nbody " + i + "\r\n").getBytes(StandardCharsets.US_ASCII)), session);
        }
        extractor = new AttachmentTextExtractor(new ExtractionLimits(1024 * 1024, 100_000, Duration.ofSeconds(10), 3, 50, 100), 1);
        scratch = ScratchIndex.create("reindex-task-test");
        index = scratch.index();
        List<IndexOperation> writes = new ArrayList<>();
        for (long uid = 1; uid <= 3; uid++) {
            writes.add(reader(Clock.systemUTC()).indexWrite(BOB.asString(), mailboxId, uid));
        }
        assertThat(index.write(writes).isComplete()).isTrue();
        index.refresh();
    }

    @AfterEach
    void deleteIndex() throws Exception {
        scratch.close();
        extractor.close();
    }

    /** OpenSearch's periodic refresh off: until a refresh, searches see the documents as they were before the run. */
    @Test
    void documentsTheRunRewroteAreKeptWhenOpenSearchHasNotRefreshedYet() throws Exception {
        putIndexSetting("{\"index\":{\"refresh_interval\":\"-1\"}}");

        assertThat(reindexEveryUser(Clock.systemUTC())).isEqualTo(Task.Result.COMPLETED);

        assertThat(indexedUids()).containsExactly(1L, 2L, 3L);
        assertThat(backlog.pendingUids(mailboxId)).isEmpty();
    }

    /**
     * The run's documents carry a build time before its start: what a live indexer's write leaves when it
     * was built before the run and lands after the run's own write of the same version (which it may
     * replace). Such a document of an existing message is written again, not deleted; the document of a
     * message expunged since it was indexed is deleted.
     */
    @Test
    void anExistingMessagesDocumentOlderThanTheRunIsKeptAndAGoneMessagesIsDeleted() throws Exception {
        inbox.setFlags(new Flags(Flags.Flag.DELETED), MessageManager.FlagsUpdateMode.ADD, MessageRange.one(MessageUid.of(3)), session);
        inbox.expunge(MessageRange.all(), session);

        Clock builtBeforeTheRun = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));
        assertThat(reindexEveryUser(builtBeforeTheRun)).isEqualTo(Task.Result.COMPLETED);

        assertThat(indexedUids()).containsExactly(1L, 2L);
        assertThat(backlog.pendingUids(mailboxId)).isEmpty();
    }

    private Task.Result reindexEveryUser(Clock documentBuildClock) throws Exception {
        // No DNS: the domain list asks it only to detect domains, which is off.
        MemoryDomainList domains = new MemoryDomainList(null);
        domains.configure(DomainListConfiguration.builder().autoDetect(false).autoDetectIp(false).build());
        domains.addDomain(Domain.of("example.com"));
        MemoryUsersRepository users = MemoryUsersRepository.withVirtualHosting(domains);
        users.addUser(BOB, "secret");
        return new ReindexTask(Optional.empty(), users, mailboxManager, reader(documentBuildClock), index, backlog,
            Clock.systemUTC()).run();
    }

    private MailboxReader reader(Clock documentBuildClock) {
        return new MailboxReader(mailboxManager, new InMemoryId.Factory(), new MessageDocumentBuilder(extractor, documentBuildClock));
    }

    private List<Long> indexedUids() throws Exception {
        index.refresh();
        List<String> ids = List.of(MessageDocument.documentId(mailboxId, 1), MessageDocument.documentId(mailboxId, 2),
            MessageDocument.documentId(mailboxId, 3));
        return index.getDocuments(ids).values().stream().map(MessageDocument::uid).sorted().toList();
    }

    private void putIndexSetting(String json) throws Exception {
        var response = scratch.request("PUT", "/_settings", json);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
