package dev.jamespipeline.core.store;

import java.io.IOException;
import java.io.InputStream;

/** Where raw messages live while the pipeline works on them. The broker only carries keys. */
public interface MessageStore {

    /** Writes durably: when this returns, the bytes survive a power loss. */
    StoredBlob write(StorageKey key, BodyWriter body) throws IOException;

    InputStream open(StorageKey key) throws IOException;

    /**
     * Fails with {@link WithdrawnMessageException} if the message was withdrawn, otherwise with
     * {@link CorruptBlobException} unless the stored bytes match size and digest.
     */
    void verify(StoredBlob expected) throws IOException;

    /**
     * Removes a message whose ingest failed (the client is answered 451) and leaves a mark saying so:
     * if its {@code mail.received} reached the broker after all (a confirm lost with the connection),
     * the stage can tell that envelope from one whose message was lost.
     */
    void withdraw(StorageKey key) throws IOException;

    /**
     * The last step that reads this message finished with it (its stage completed, or found it had
     * completed before). A store with retention deletes it once its grace period is over; a
     * released message written again under the same key (a repeated step) is kept again. Idempotent.
     */
    void release(StorageKey key) throws IOException;
}
