package dev.jamespipeline.listeners;

import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.stream.Collectors;

import javax.inject.Inject;
import javax.inject.Named;

import org.apache.james.events.Event;
import org.apache.james.events.EventListener;
import org.apache.james.events.Group;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.events.GenericGroup;
import org.apache.james.mailbox.events.MailboxEvents.Expunged;
import org.apache.james.mailbox.events.MailboxEvents.FlagsUpdated;
import org.apache.james.mailbox.events.MailboxEvents.MailboxDeletion;
import org.apache.james.mailbox.events.MailboxEvents.MailboxEvent;

import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.envelope.MailboxChangeEvent;
import dev.jamespipeline.core.envelope.MailboxChangeEvent.Kind;
import dev.jamespipeline.core.search.IndexBacklog;
import dev.jamespipeline.core.search.IndexBacklog.Change;

/**
 * Publishes {@code mailbox.flags}, {@code mailbox.expunged} and {@code mailbox.deleted} for the
 * search indexer. Synchronous, so the IMAP command that changed the mailbox completes only once the
 * event is confirmed by the broker: the index may lag, but it cannot miss a change. Each changed
 * message is recorded in the {@link IndexBacklog} first, so a SEARCH right after the command scans it
 * instead of trusting a document the indexer has not updated yet. A renamed
 * mailbox keeps its id, which is all the index knows it by, so renames need no event.
 */
public class MailboxChangeListener implements EventListener.GroupEventListener {
    public static final Group GROUP = new GenericGroup("pipeline-mailbox-changes");

    private final EventPublisher events;
    private final IndexBacklog backlog;
    private final Clock clock;

    @Inject
    public MailboxChangeListener(EventPublisher events, @Named(IndexBacklog.PIPELINE_BINDING) IndexBacklog backlog, Clock clock) {
        this.events = events;
        this.backlog = backlog;
        this.clock = clock;
    }

    @Override
    public Group getDefaultGroup() {
        return GROUP;
    }

    @Override
    public boolean isHandling(Event event) {
        return event instanceof FlagsUpdated || event instanceof Expunged || event instanceof MailboxDeletion;
    }

    @Override
    public void event(Event event) throws Exception {
        MailboxEvent change = (MailboxEvent) event;
        String mailboxId = change.getMailboxId().serialize();
        // The backlog first: once the event is out, the indexer may apply it and clear the backlog.
        if (event instanceof FlagsUpdated flags) {
            backlog.record(flags.getUpdatedFlags().stream()
                .map(updated -> new Change(mailboxId, updated.getUid().asLong(), updated.getModSeq().asLong()))
                .collect(Collectors.toList()));
            publish(change, Kind.FLAGS_CHANGED, flags.getUids());
        } else if (event instanceof Expunged expunged) {
            backlog.record(expunged.getUids().stream()
                .map(uid -> Change.expunged(mailboxId, uid.asLong()))
                .collect(Collectors.toList()));
            publish(change, Kind.EXPUNGED, expunged.getUids());
        } else {
            publish(change, Kind.MAILBOX_DELETED, List.of());
        }
    }

    private void publish(MailboxEvent change, Kind kind, Collection<MessageUid> uids) throws Exception {
        MailboxChangeEvent published = new MailboxChangeEvent(MailboxChangeEvent.VERSION, kind,
            change.getMailboxPath().getUser().asString(), change.getMailboxId().serialize(),
            uids.stream().map(MessageUid::asLong).collect(Collectors.toList()), clock.instant());
        events.mailboxChanged(change.getEventId().getId().toString(), published);
    }
}
