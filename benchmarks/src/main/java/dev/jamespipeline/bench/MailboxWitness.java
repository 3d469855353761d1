package dev.jamespipeline.bench;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.SortedSet;

import dev.jamespipeline.core.PipelineHeaders;

/**
 * What the users' INBOXes hold, read over IMAP as a user would (LOGIN per user, then the
 * {@value PipelineHeaders#PIPELINE_ID} header of every message): how many copies of each pipeline
 * id each user has. It speaks only IMAP, so it witnesses any mailbox backend. A user who cannot log
 * in (a restarted memory-app James has forgotten its users) is listed as unreadable.
 */
final class MailboxWitness {
    /** The password benchmarks/lib.sh's start_james gives every user it creates. */
    static final String PASSWORD = "secret";
    private static final int ATTEMPTS = 3;
    private static final long RETRY_PAUSE_MS = 500;

    /** One message for one user: what must be in that user's INBOX exactly once. */
    record Delivery(String pipelineId, String user) {
    }

    /** The copies of each (pipeline id, user) found, and the users whose INBOX could not be read. */
    record Holdings(Map<Delivery, Integer> copies, SortedSet<String> unreadable) {
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
        SortedSet<String> unreadable = new TreeSet<>();
        for (String user : users) {
            Optional<List<String>> held = pipelineIds(user);
            if (held.isEmpty()) {
                unreadable.add(user);
                continue;
            }
            held.get().forEach(pipelineId -> copies.merge(new Delivery(pipelineId, user.toLowerCase()), 1, Integer::sum));
        }
        return new Holdings(copies, unreadable);
    }

    /**
     * The pipeline ids in the user's INBOX, one per message, or empty if it cannot be read. A reply
     * Commons Net cannot parse (seen once while messages were being appended to the INBOX fetched)
     * is tried again; a refused LOGIN is final.
     */
    private Optional<List<String>> pipelineIds(String user) throws InterruptedException {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try (ImapSession imap = new ImapSession(imapPort, user, PASSWORD)) {
                return Optional.of(imap.headerValues(PipelineHeaders.PIPELINE_ID));
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
