package dev.jamespipeline.bench;

/**
 * What the end-to-end benchmark reads from the server under test once a second: how many of the
 * accepted messages are in a mailbox, and how many wait in the server's own queue.
 */
interface DeliveryProbe extends AutoCloseable {

    /** Distinct accepted messages delivered into a mailbox so far. */
    long delivered() throws Exception;

    /** Messages waiting in the server's queue (the pipeline's stage queues, or James's spool). */
    long queued() throws Exception;

    /** One line for the output: how {@link #delivered()} and {@link #queued()} are counted. */
    String howCounted();
}
