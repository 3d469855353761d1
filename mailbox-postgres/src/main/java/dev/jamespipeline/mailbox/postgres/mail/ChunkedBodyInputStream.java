package dev.jamespipeline.mailbox.postgres.mail;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.UUID;

import javax.sql.DataSource;

/**
 * A stored message body, fetched one chunk per query when the reader reaches it: only the current
 * chunk is in the heap, and a reader that stops early (a partial IMAP fetch) fetches no more.
 * Each fetch borrows a pooled connection for one query, so a slow reader holds none in between.
 * A body whose message is expunged while it is read ends in an IOException, not in short content.
 */
public final class ChunkedBodyInputStream extends InputStream {
    private static final byte[] NONE = new byte[0];

    private final DataSource dataSource;
    private final UUID messageId;
    private final long length;

    private byte[] chunk = NONE;
    private int positionInChunk;
    private int nextChunkNo;
    private long delivered;
    private int chunksFetched;

    ChunkedBodyInputStream(DataSource dataSource, UUID messageId, long length) {
        this.dataSource = dataSource;
        this.messageId = messageId;
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        if (!ensureAvailable()) {
            return -1;
        }
        delivered++;
        return chunk[positionInChunk++] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (count == 0) {
            return 0;
        }
        if (!ensureAvailable()) {
            return -1;
        }
        int copied = Math.min(count, chunk.length - positionInChunk);
        System.arraycopy(chunk, positionInChunk, buffer, offset, copied);
        positionInChunk += copied;
        delivered += copied;
        return copied;
    }

    @Override
    public int available() {
        return chunk.length - positionInChunk;
    }

    /** How many chunk queries this stream has made so far. */
    public int chunksFetched() {
        return chunksFetched;
    }

    private boolean ensureAvailable() throws IOException {
        if (positionInChunk < chunk.length) {
            return true;
        }
        if (delivered >= length) {
            return false;
        }
        chunk = fetch(nextChunkNo++);
        positionInChunk = 0;
        if (chunk.length == 0 || delivered + chunk.length > length) {
            throw new IOException("Body of message " + messageId + " is corrupt: chunk " + (nextChunkNo - 1)
                + " is " + chunk.length + " bytes with " + delivered + " of " + length + " delivered");
        }
        return true;
    }

    private byte[] fetch(int chunkNo) throws IOException {
        chunksFetched++;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                 "SELECT bytes FROM message_body_chunk WHERE message_id = ? AND chunk_no = ?")) {
            select.setObject(1, messageId);
            select.setInt(2, chunkNo);
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new IOException("Body of message " + messageId + " has no chunk " + chunkNo
                        + " (" + delivered + " of " + length + " bytes read): the message was deleted or is corrupt");
                }
                return row.getBytes(1);
            }
        } catch (SQLException e) {
            throw new IOException("Cannot read chunk " + chunkNo + " of message " + messageId + ": " + e.getMessage(), e);
        }
    }
}
