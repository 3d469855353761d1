package dev.jamespipeline.search.index;

/**
 * What the index counts in one mailbox.
 *
 * @param messages indexed messages
 * @param unseen   those without the {@code \Seen} flag
 */
public record MailboxCounters(long messages, long unseen) {
}
