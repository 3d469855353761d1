package dev.jamespipeline.mailets;

import java.io.IOException;
import java.io.InputStream;

import org.apache.james.server.core.MimeMessageSource;

import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StoredBlob;

/** Lets James read a stored message lazily, straight from the message store. */
public final class StoredMessageSource implements MimeMessageSource {
    private final MessageStore store;
    private final StoredBlob blob;

    public StoredMessageSource(MessageStore store, StoredBlob blob) {
        this.store = store;
        this.blob = blob;
    }

    @Override
    public String getSourceId() {
        return "pipeline-store:" + blob.key();
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return store.open(blob.key());
    }

    @Override
    public long getMessageSize() {
        return blob.size();
    }
}
