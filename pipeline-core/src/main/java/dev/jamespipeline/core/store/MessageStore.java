package dev.jamespipeline.core.store;

import java.io.IOException;
import java.io.InputStream;

/** Where raw messages live while the pipeline works on them. The broker only carries keys. */
public interface MessageStore {

    /** Writes durably: when this returns, the bytes survive a power loss. */
    StoredBlob write(StorageKey key, BodyWriter body) throws IOException;

    InputStream open(StorageKey key) throws IOException;

    /** Fails with {@link CorruptBlobException} unless the stored bytes match size and digest. */
    void verify(StoredBlob expected) throws IOException;

    void delete(StorageKey key) throws IOException;
}
