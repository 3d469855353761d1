package dev.jamespipeline.search.indexer;

/** Told when this node has created the index: empty, while the mailboxes may hold messages. */
@FunctionalInterface
public interface NewIndexListener {
    void created();
}
