package dev.jamespipeline.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.core.store.CorruptBlobException;
import dev.jamespipeline.core.store.StorageKey;
import dev.jamespipeline.core.store.StoredBlob;
import dev.jamespipeline.core.store.WithdrawnMessageException;
import dev.jamespipeline.testing.PostgresTestDatabase;

class PostgresMessageStoreTest {
    private static PostgresTestDatabase database;
    private static PostgresMessageStore store;

    @BeforeAll
    static void createDatabase() {
        database = PostgresTestDatabase.create(4);
        PipelineStateSchema.migrate(database.dataSource());
        store = new PostgresMessageStore(database.dataSource());
    }

    @AfterAll
    static void dropDatabase() {
        database.close();
    }

    @Test
    void whatIsWrittenIsReadBackAndVerifies() throws Exception {
        byte[] message = "Subject: hi\r\n\r\n\u00e9t\u00e9\r\n".getBytes(StandardCharsets.UTF_8);
        StoredBlob blob = store.write(key(), out -> out.write(message));

        try (InputStream in = store.open(blob.key())) {
            assertThat(in.readAllBytes()).isEqualTo(message);
        }
        assertThat(blob.size()).isEqualTo(message.length);
        store.verify(blob);
    }

    @Test
    void storedBytesThatDoNotMatchTheEnvelopeFailVerification() throws Exception {
        StoredBlob blob = store.write(key(), out -> out.write("original".getBytes(StandardCharsets.UTF_8)));
        Rows.execute(database.dataSource(), "UPDATE pipeline_message SET content = 'tampered'::bytea WHERE storage_key = '"
            + blob.key().value() + "'");

        assertThatThrownBy(() -> store.verify(blob)).isInstanceOf(CorruptBlobException.class).hasMessageContaining("sha256");
    }

    @Test
    void aMissingMessageIsCorruptAndAWithdrawnOneSaysSo() throws Exception {
        StoredBlob missing = new StoredBlob(key(), "00", 1);
        assertThatThrownBy(() -> store.verify(missing)).isInstanceOf(CorruptBlobException.class).hasMessageContaining("missing");

        StoredBlob withdrawn = store.write(key(), out -> out.write('x'));
        store.withdraw(withdrawn.key());

        assertThatThrownBy(() -> store.verify(withdrawn)).isInstanceOf(WithdrawnMessageException.class);
        assertThat(Rows.count(database.dataSource(), "pipeline_message WHERE storage_key = '" + withdrawn.key().value() + "'"))
            .isZero();
    }

    @Test
    void writingAReleasedKeyAgainKeepsItAgain() throws Exception {
        StorageKey key = key();
        store.write(key, out -> out.write('1'));
        store.release(key);
        store.write(key, out -> out.write('2'));

        assertThat(Rows.count(database.dataSource(), "pipeline_message WHERE storage_key = '" + key.value()
            + "' AND released_at IS NULL")).isEqualTo(1);
    }

    private static StorageKey key() {
        return new StorageKey("2026-12-06/08/" + UUID.randomUUID() + ".eml");
    }
}
