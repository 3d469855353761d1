package dev.jamespipeline.security.virus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.testing.ClamdPeer;
import dev.jamespipeline.testing.TestViruses;
import dev.jamespipeline.security.scanner.ScannerUnavailableException;
import dev.jamespipeline.security.scanner.ScanFailurePolicy;

/** The client against a real clamd (Debian's clamav-daemon) with the signature database the tests ship. */
class ClamdClientTest {
    private static final long STREAM_MAX_LENGTH = 1024 * 1024;
    private static ClamdPeer clamd;

    @BeforeAll
    static void startClamd() {
        clamd = ClamdPeer.start(STREAM_MAX_LENGTH);
    }

    @AfterAll
    static void stopClamd() {
        clamd.close();
    }

    @Test
    void eicarAttachedToAMessageIsFound() throws Exception {
        ScanResult result = client(65_536).scan(new ByteArrayInputStream(TestViruses.messageWithEicarAttachment("eicar")));

        assertThat(result).isEqualTo(new ScanResult.Infected(TestViruses.EICAR + TestViruses.UNOFFICIAL));
    }

    @Test
    void ourOwnSignatureIsFoundInAMessageBody() throws Exception {
        ScanResult result = client(65_536).scan(message("a marker: " + TestViruses.OWN_MARKER + " in the text"));

        assertThat(result).isEqualTo(new ScanResult.Infected(TestViruses.OWN_SIGNATURE + TestViruses.UNOFFICIAL));
    }

    @Test
    void aCleanMessageIsOk() throws Exception {
        assertThat(client(65_536).scan(message("nothing to see here"))).isEqualTo(new ScanResult.Clean());
    }

    @Test
    void theWholeMessageIsSentInSmallChunksEvenWhenItsStreamGivesFewBytesAtATime() throws Exception {
        // The marker is at the end, behind many chunk boundaries, and the stream answers each read with 7 bytes.
        byte[] message = (header("long") + "filler line\r\n".repeat(20_000) + TestViruses.OWN_MARKER + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        InputStream trickling = new FilterInputStream(new ByteArrayInputStream(message)) {
            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                return super.read(buffer, offset, Math.min(length, 7));
            }
        };

        assertThat(client(1_024).scan(trickling)).isEqualTo(new ScanResult.Infected(TestViruses.OWN_SIGNATURE + TestViruses.UNOFFICIAL));
    }

    @Test
    void aMessageBeyondClamdsStreamLimitIsAFailureNamingTheLimit() {
        byte[] message = (header("big") + "x".repeat((int) STREAM_MAX_LENGTH + 1_000)).getBytes(StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> client(65_536).scan(new ByteArrayInputStream(message)))
            .isInstanceOf(ScannerUnavailableException.class)
            .hasMessageContaining("size limit exceeded");
    }

    @Test
    void aStoppedClamdRefusesAndComesBack() throws Exception {
        clamd.stop();
        try {
            assertThatThrownBy(() -> client(65_536).scan(message("while clamd is down")))
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("clamd at 127.0.0.1:" + clamd.port() + " refused the connection");
        } finally {
            clamd.startAgain();
        }
        assertThat(client(65_536).scan(message("after the outage"))).isEqualTo(new ScanResult.Clean());
    }

    private static ClamdClient client(int chunkBytes) {
        return new ClamdClient(new VirusSettings(clamd.host(), clamd.port(), Duration.ofSeconds(5), Duration.ofSeconds(30),
            Duration.ofSeconds(60), chunkBytes, STREAM_MAX_LENGTH, ScanFailurePolicy.QUARANTINE));
    }

    static InputStream message(String body) {
        return new ByteArrayInputStream((header("test") + body + "\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    private static String header(String subject) {
        return "From: alice@example.org\r\nTo: bob@example.com\r\nSubject: " + subject + "\r\n\r\n";
    }
}
