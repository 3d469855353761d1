package dev.jamespipeline.bench;

import java.io.IOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

import dev.jamespipeline.core.PipelineHeaders;

/**
 * What the users' INBOXes hold, read over IMAP as a user would (LOGIN per user, then the
 * {@value PipelineHeaders#PIPELINE_ID} and Message-ID headers of every message): how many copies of
 * each pipeline id each user has, and which Message-IDs. It speaks only IMAP, so it witnesses any mailbox backend. A user who cannot log
 * in (a restarted memory-app James has forgotten its users) is listed as unreadable.
 */
final class MailboxWitness {
    /** The password benchmarks/lib.sh's start_james gives every user it creates. */
    static final String PASSWORD = "secret";
    private static final int ATTEMPTS = 3;
    private static final String PIPELINE_ID = PipelineHeaders.PIPELINE_ID.toLowerCase(Locale.ROOT);
    private static final String MESSAGE_ID = "message-id";
    private static final long RETRY_PAUSE_MS = 500;

    /** One message for one user: what must be in that user's INBOX exactly once. */
    record Delivery(String pipelineId, String user) {
    }

    /** One message by its Message-ID header, for one user: what the client sent, whatever id the pipeline gave it. */
    record Sent(String messageId, String user) {
    }

    /**
     * The copies of each (pipeline id, user) found, the (Message-ID, user) pairs found, and the users
     * whose INBOX could not be read.
     */
    record Holdings(Map<Delivery, Integer> copies, Set<Sent> sent, SortedSet<String> unreadable) {
    }

    private final int imapPort;
    private final List<String> users;
    private boolean unreadableShown;

    MailboxWitness(int imapPort, List<String> users) {
        this.imapPort = imapPort;
        this.users = users;
    }

    Holdings read() throws InterruptedException {
        Map<Delivery, Integer> copies = new HashMap<>();
        Set<Sent> sent = new HashSet<>();
        SortedSet<String> unreadable = new TreeSet<>();
        for (String user : users) {
            Optional<List<Map<String, String>>> held = messages(user);
            if (held.isEmpty()) {
                unreadable.add(user);
                continue;
            }
            for (Map<String, String> message : held.get()) {
                Optional.ofNullable(message.get(PIPELINE_ID))
                    .ifPresent(pipelineId -> copies.merge(new Delivery(pipelineId, user.toLowerCase()), 1, Integer::sum));
                Optional.ofNullable(message.get(MESSAGE_ID)).ifPresent(messageId -> sent.add(new Sent(messageId, user.toLowerCase())));
            }
        }
        return new Holdings(copies, sent, unreadable);
    }

    /**
     * The pipeline id and Message-ID of every message in the user's INBOX, or empty if it cannot be read. A reply
     * Commons Net cannot parse (seen once while messages were being appended to the INBOX fetched)
     * is tried again; a refused LOGIN is final.
     */
    private Optional<List<Map<String, String>>> messages(String user) throws InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (ImapSession imap = new ImapSession(imapPort, user, PASSWORD)) {
                return Optional.of(imap.headerFields(List.of(PipelineHeaders.PIPELINE_ID, "Message-ID")));
            } catch (ImapSession.LoginRefused e) {
                last = e;
                break;
            } catch (IOException e) {
                last = e;
                Thread.sleep(RETRY_PAUSE_MS);
            }
        }
        if (!unreadableShown) {
            // The first one only: after a kill -9 of the memory app, every user is refused alike.
            System.err.println("IMAP witness: cannot read " + user + "'s INBOX: " + last.getMessage());
            unreadableShown = true;
        }
        return Optional.empty();
    }
}
