package dev.jamespipeline.mailbox.postgres.mail;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

import com.google.common.base.Preconditions;

/**
 * Message bodies in table {@code message_body_chunk}, streamed both ways: written from an
 * InputStream a chunk at a time (at most {@value #CHUNKS_PER_BATCH} chunks in the heap), read back
 * through a {@link ChunkedBodyInputStream} that fetches one chunk when the reader gets to it.
 */
public final class MessageBodyStore {
    public static final int DEFAULT_CHUNK_SIZE = 256 * 1024;
    private static final int CHUNKS_PER_BATCH = 4;

    private final DataSource dataSource;
    private final int chunkSize;

    public MessageBodyStore(DataSource dataSource) {
        this(dataSource, DEFAULT_CHUNK_SIZE);
    }

    public MessageBodyStore(DataSource dataSource, int chunkSize) {
        Preconditions.checkArgument(chunkSize > 0, "chunkSize must be positive, was %s", chunkSize);
        this.dataSource = dataSource;
        this.chunkSize = chunkSize;
    }

    /** Writes the body of {@code messageId}, in the caller's transaction; returns its length in bytes. */
    long write(Connection transaction, UUID messageId, InputStream body) throws SQLException, IOException {
        try (PreparedStatement insert = transaction.prepareStatement(
            "INSERT INTO message_body_chunk (message_id, chunk_no, bytes) VALUES (?, ?, ?)")) {
            long length = 0;
            int chunkNo = 0;
            int batched = 0;
            byte[] chunk;
            while ((chunk = body.readNBytes(chunkSize)).length > 0) {
                insert.setObject(1, messageId);
                insert.setInt(2, chunkNo++);
                insert.setBytes(3, chunk);
                insert.addBatch();
                length += chunk.length;
                if (++batched == CHUNKS_PER_BATCH) {
                    insert.executeBatch();
                    batched = 0;
                }
            }
            if (batched > 0) {
                insert.executeBatch();
            }
            return length;
        }
    }

    /** The body of {@code messageId}, {@code length} bytes long, read lazily a chunk at a time. */
    public ChunkedBodyInputStream open(UUID messageId, long length) {
        return new ChunkedBodyInputStream(dataSource, messageId, length);
    }
}
