package dev.jamespipeline.mailbox.postgres.mail;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.UUID;

import org.apache.james.mailbox.model.Content;

/**
 * The content of a stored message: its header bytes (from the message row, or fetched when first
 * needed if the query did not select them), then its body chunks, fetched lazily as they are read.
 */
final class StoredMessageContent implements Content {
    @FunctionalInterface
    interface HeaderLoader {
        byte[] load(UUID messageId) throws IOException;
    }

    private final UUID messageId;
    private final long size;
    private final long bodyStartOctet;
    private final MessageBodyStore bodies;
    private final HeaderLoader headerLoader;
    private volatile byte[] header;

    StoredMessageContent(UUID messageId, long size, long bodyStartOctet, byte[] header,
                         MessageBodyStore bodies, HeaderLoader headerLoader) {
        this.messageId = messageId;
        this.size = size;
        this.bodyStartOctet = bodyStartOctet;
        this.header = header;
        this.bodies = bodies;
        this.headerLoader = headerLoader;
    }

    @Override
    public InputStream getInputStream() throws IOException {
        return new SequenceInputStream(new ByteArrayInputStream(header()), bodies.open(messageId, size - bodyStartOctet));
    }

    @Override
    public long size() {
        return size;
    }

    private byte[] header() throws IOException {
        byte[] loaded = header;
        if (loaded == null) {
            loaded = headerLoader.load(messageId);
            header = loaded;
        }
        return loaded;
    }
}
