package dev.jamespipeline.bench;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    /** One message for one user: what must be in that user's INBOX exactly once. */
    record Delivery(String pipelineId, String user) {
    }

    /** The copies of each (pipeline id, user) found, and the users whose INBOX could not be read. */
    record Holdings(Map<Delivery, Integer> copies, SortedSet<String> unreadable) {
    }

    private final int imapPort;
    private final List<String> users;

    MailboxWitness(int imapPort, List<String> users) {
        this.imapPort = imapPort;
        this.users = users;
    }

    Holdings read() {
        Map<Delivery, Integer> copies = new HashMap<>();
        SortedSet<String> unreadable = new TreeSet<>();
        for (String user : users) {
            try (ImapSession imap = new ImapSession(imapPort, user, PASSWORD)) {
                for (String pipelineId : imap.headerValues(PipelineHeaders.PIPELINE_ID)) {
                    copies.merge(new Delivery(pipelineId, user.toLowerCase()), 1, Integer::sum);
                }
            } catch (IOException e) {
                if (unreadable.isEmpty()) {
                    System.err.println("IMAP witness: cannot read " + user + "'s INBOX: " + e.getMessage());
                }
                unreadable.add(user);
            }
        }
        return new Holdings(copies, unreadable);
    }
}
