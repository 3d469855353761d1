package dev.jamespipeline.state;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HexFormat;

import javax.sql.DataSource;

import dev.jamespipeline.mailbox.postgres.Jdbc;
import dev.jamespipeline.core.store.BodyWriter;
import dev.jamespipeline.core.store.CorruptBlobException;
import dev.jamespipeline.core.store.Digests;
import dev.jamespipeline.core.store.MessageStore;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.core.store.StoredBlob;
import dev.jamespipeline.core.store.WithdrawnMessageException;

/**
 * Raw messages as {@code bytea} rows, shared by every node without a shared volume. A write is one
 * committed INSERT: durable when it returns (synchronous_commit), and PostgreSQL flushes the WAL
 * of many concurrent commits at once where the file store fsyncs a file and a directory per message.
 * A message is held in the heap while it is written or read (the driver sends and receives a bytea
 * whole): messages are bounded by the SMTP size limit.
 */
public final class PostgresMessageStore implements MessageStore {
    private final DataSource dataSource;

    public PostgresMessageStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Writing a key again (a repeated stage) replaces the message and keeps it again if it was released. */
    @Override
    public StoredBlob write(StorageKey key, BodyWriter body) throws IOException {
        MessageDigest digest = Digests.sha256();
        MessageBuffer bytes = new MessageBuffer();
        try (DigestOutputStream out = new DigestOutputStream(bytes, digest)) {
            body.writeTo(out);
        }
        String sha256 = HexFormat.of().formatHex(digest.digest());
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                 "INSERT INTO pipeline_message (storage_key, content, sha256, size) VALUES (?, ?, ?, ?) "
                     + "ON CONFLICT (storage_key) DO UPDATE SET content = excluded.content, sha256 = excluded.sha256, "
                     + "size = excluded.size, stored_at = now(), released_at = NULL")) {
            insert.setString(1, key.value());
            insert.setBinaryStream(2, bytes.asInputStream(), bytes.size());
            insert.setString(3, sha256);
            insert.setLong(4, bytes.size());
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("storing message " + key + " failed: " + e.getMessage(), e);
        }
        return new StoredBlob(key, sha256, bytes.size());
    }

    @Override
    public InputStream open(StorageKey key) throws IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement("SELECT content FROM pipeline_message WHERE storage_key = ?")) {
            select.setString(1, key.value());
            try (ResultSet found = select.executeQuery()) {
                if (!found.next()) {
                    throw new NoSuchFileException("stored message " + key + " is missing");
                }
                return new ByteArrayInputStream(found.getBytes(1));
            }
        } catch (SQLException e) {
            throw new IOException("reading message " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** The digest and length are computed by PostgreSQL over the stored bytes, not read from the row's columns. */
    @Override
    public void verify(StoredBlob expected) throws IOException {
        String key = expected.key().value();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                 "SELECT encode(sha256(content), 'hex'), length(content) FROM pipeline_message WHERE storage_key = ? "
                     + "UNION ALL SELECT NULL, NULL FROM pipeline_withdrawn_message WHERE storage_key = ?")) {
            select.setString(1, key);
            select.setString(2, key);
            try (ResultSet found = select.executeQuery()) {
                if (!found.next()) {
                    throw new CorruptBlobException("stored message " + key + " is missing");
                }
                String sha256 = found.getString(1);
                if (sha256 == null) {
                    throw new WithdrawnMessageException("stored message " + key
                        + " was withdrawn at ingest: the client was answered 451 and sends it again");
                }
                long size = found.getLong(2);
                if (size != expected.size() || !sha256.equals(expected.sha256())) {
                    throw new CorruptBlobException("stored message " + key + " has size " + size + " and sha256 "
                        + sha256 + " but its envelope says " + expected.size() + " and " + expected.sha256());
                }
            }
        } catch (SQLException e) {
            throw new IOException("verifying message " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** The mark and the removal commit together. */
    @Override
    public void withdraw(StorageKey key) throws IOException {
        try {
            Jdbc.inTransaction(dataSource, transaction -> {
                try (PreparedStatement mark = transaction.prepareStatement(
                         "INSERT INTO pipeline_withdrawn_message (storage_key) VALUES (?) ON CONFLICT DO NOTHING");
                     PreparedStatement delete = transaction.prepareStatement("DELETE FROM pipeline_message WHERE storage_key = ?")) {
                    mark.setString(1, key.value());
                    mark.executeUpdate();
                    delete.setString(1, key.value());
                    return delete.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new IOException("withdrawing message " + key + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void release(StorageKey key) throws IOException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(
                 "UPDATE pipeline_message SET released_at = now() WHERE storage_key = ? AND released_at IS NULL")) {
            update.setString(1, key.value());
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IOException("releasing message " + key + " failed: " + e.getMessage(), e);
        }
    }

    /** The message as received, read back for the insert without copying it a second time. */
    private static final class MessageBuffer extends ByteArrayOutputStream {
        MessageBuffer() {
            super(16 * 1024);
        }

        InputStream asInputStream() {
            return new ByteArrayInputStream(buf, 0, count);
        }
    }
}
