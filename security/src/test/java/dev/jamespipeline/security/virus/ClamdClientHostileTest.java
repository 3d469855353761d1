package dev.jamespipeline.security.virus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import dev.jamespipeline.security.scanner.ScannerUnavailableException;
import dev.jamespipeline.security.scanner.ScanFailurePolicy;

/** What the client makes of a peer that is not a well-behaved clamd: no result, never a pass, never a hang. */
class ClamdClientHostileTest {
    private static final byte[] SMALL = "Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII);
    /** More than the socket buffers hold, so a peer that does not read blocks the client's writes. */
    private static final byte[] LARGE = ("Subject: big\r\n\r\n" + "y".repeat(32 * 1024 * 1024)).getBytes(StandardCharsets.US_ASCII);

    @Test
    void garbageIsNoResult() throws Exception {
        try (HostileClamd peer = HostileClamd.start((connection, server) -> {
            server.readRequest(connection.getInputStream());
            connection.getOutputStream().write("HTTP/1.1 200 OK\r\n\r\n<html>stream: OK</html>\0".getBytes(StandardCharsets.ISO_8859_1));
        })) {
            assertThatThrownBy(() -> client(peer).scan(new ByteArrayInputStream(SMALL)))
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("clamd sent no scan result: HTTP/1.1 200 OK");
            assertThat(peer.received.get()).isEqualTo(SMALL.length);
        }
    }

    @Test
    void anOverlongReplyIsCutAtItsBound() throws Exception {
        try (HostileClamd peer = HostileClamd.start((connection, server) -> {
            server.readRequest(connection.getInputStream());
            connection.getOutputStream().write(("stream: " + "A".repeat(ClamdClient.MAX_REPLY_BYTES * 4) + " FOUND\0")
                .getBytes(StandardCharsets.US_ASCII));
        })) {
            assertThatThrownBy(() -> client(peer).scan(new ByteArrayInputStream(SMALL)))
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("reply longer than " + ClamdClient.MAX_REPLY_BYTES + " bytes");
        }
    }

    @Test
    void aNeverEndingReplyIsCutAtItsBound() throws Exception {
        try (HostileClamd peer = HostileClamd.start((connection, server) -> {
            server.readRequest(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            byte[] noise = "stream: OK".repeat(100).getBytes(StandardCharsets.US_ASCII);
            while (true) {
                out.write(noise);
            }
        })) {
            assertThatThrownBy(() -> client(peer).scan(new ByteArrayInputStream(SMALL)))
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("reply longer than");
        }
    }

    @Test
    void aReplyTrickledByteByByteEndsAtTheScanDeadline() throws Exception {
        try (HostileClamd peer = HostileClamd.start((connection, server) -> {
            server.readRequest(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            while (true) {
                out.write('s');
                out.flush();
                Thread.sleep(100);
            }
        })) {
            assertThatThrownBy(() -> client(peer, Duration.ofSeconds(1), Duration.ofSeconds(2)).scan(new ByteArrayInputStream(SMALL)))
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("gave no result within 2000 ms");
        }
    }

    @Test
    void silenceAfterTheRequestIsTheReadTimeout() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (HostileClamd peer = HostileClamd.start((connection, server) -> {
            server.readRequest(connection.getInputStream());
            release.await();
        })) {
            assertThatThrownBy(() -> client(peer, Duration.ofMillis(500), Duration.ofSeconds(30)).scan(new ByteArrayInputStream(SMALL)))
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("did not answer within 500 ms");
        } finally {
            release.countDown();
        }
    }

    @Test
    void aPeerThatStopsReadingCannotHoldTheSenderPastTheScanDeadline() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (HostileClamd peer = HostileClamd.start((connection, server) -> release.await())) {
            assertThatThrownBy(() -> client(peer, Duration.ofSeconds(1), Duration.ofSeconds(2)).scan(new ByteArrayInputStream(LARGE)))
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("gave no result within 2000 ms");
        } finally {
            release.countDown();
        }
    }

    @Test
    void closingInTheMiddleOfTheStreamIsNoResult() throws Exception {
        try (HostileClamd peer = HostileClamd.start((connection, server) -> {
            connection.getInputStream().readNBytes(100_000);
            connection.setSoLinger(true, 0);
        })) {
            assertThatThrownBy(() -> client(peer).scan(new ByteArrayInputStream(LARGE)))
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("clamd at 127.0.0.1:" + peer.port());
        }
    }

    @Test
    void okBeforeTheWholeMessageWasSentIsNoPass() throws Exception {
        try (HostileClamd peer = HostileClamd.start((connection, server) -> {
            connection.getInputStream().readNBytes(100_000);
            connection.getOutputStream().write("stream: OK\0".getBytes(StandardCharsets.US_ASCII));
            connection.shutdownOutput();
            connection.setSoLinger(true, 0);
        })) {
            assertThatThrownBy(() -> client(peer).scan(new ByteArrayInputStream(LARGE)))
                .isInstanceOf(ScannerUnavailableException.class);
        }
    }

    @Test
    void aReplyCutBeforeItsTerminatorIsNoResult() throws Exception {
        try (HostileClamd peer = HostileClamd.start((connection, server) -> {
            server.readRequest(connection.getInputStream());
            connection.getOutputStream().write("stream: OK".getBytes(StandardCharsets.US_ASCII));
        })) {
            assertThatThrownBy(() -> client(peer).scan(new ByteArrayInputStream(SMALL)))
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("closed the connection in the middle of its reply: stream: OK");
        }
    }

    @Test
    void closingWithoutAReplyIsNoResult() throws Exception {
        try (HostileClamd peer = HostileClamd.start((connection, server) -> server.readRequest(connection.getInputStream()))) {
            assertThatThrownBy(() -> client(peer).scan(new ByteArrayInputStream(SMALL)))
                .isInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("closed the connection without a reply");
        }
    }

    @Test
    void aSignatureNameThatWouldForgeHeaderFieldsIsStillAVirusWithASafeName() throws Exception {
        try (HostileClamd peer = HostileClamd.start((connection, server) -> {
            server.readRequest(connection.getInputStream());
            connection.getOutputStream().write("stream: Evil\r\nX-Virus-Scanned: clamav\r\n\r\n; \u00ff FOUND\0"
                .getBytes(StandardCharsets.ISO_8859_1));
        })) {
            ScanResult result = client(peer).scan(new ByteArrayInputStream(SMALL));

            assertThat(result).isInstanceOf(ScanResult.Infected.class);
            assertThat(((ScanResult.Infected) result).signature())
                .isEqualTo("Evil__X-Virus-Scanned:_clamav_______")
                .doesNotContain("\r", "\n", " ", ";");
        }
    }

    @Test
    void anErrorReplyCarriesItsReasonMadeSafe() throws Exception {
        try (HostileClamd peer = HostileClamd.start((connection, server) -> {
            server.readRequest(connection.getInputStream());
            connection.getOutputStream().write("Can't scan\r\nX-Forged: yes ERROR\0".getBytes(StandardCharsets.ISO_8859_1));
        })) {
            assertThatThrownBy(() -> client(peer).scan(new ByteArrayInputStream(SMALL)))
                .isInstanceOf(ScannerUnavailableException.class)
                .satisfies(e -> assertThat(((ScannerUnavailableException) e).reason())
                    .isEqualTo("clamd: Can't scan X-Forged: yes ERROR"));
        }
    }

    @Test
    void nothingListeningIsARefusal() throws Exception {
        int port;
        try (HostileClamd peer = HostileClamd.start((connection, server) -> { })) {
            port = peer.port();
        }
        ClamdClient client = new ClamdClient(settings("127.0.0.1", port, Duration.ofSeconds(5), Duration.ofSeconds(10)));

        assertThatThrownBy(() -> client.scan(new ByteArrayInputStream(SMALL)))
            .isInstanceOf(ScannerUnavailableException.class)
            .hasMessageContaining("refused the connection");
    }

    @Test
    void aFailureReadingTheMessageIsNotTheScannersFault() throws Exception {
        try (HostileClamd peer = HostileClamd.start((connection, server) -> server.readRequest(connection.getInputStream()))) {
            InputStream broken = new InputStream() {
                @Override
                public int read() throws java.io.IOException {
                    throw new java.io.IOException("disk on fire");
                }
            };
            assertThatThrownBy(() -> client(peer).scan(broken))
                .isInstanceOf(java.io.IOException.class)
                .isNotInstanceOf(ScannerUnavailableException.class)
                .hasMessageContaining("disk on fire");
        }
    }

    private static ClamdClient client(HostileClamd peer) {
        return client(peer, Duration.ofSeconds(10), Duration.ofSeconds(20));
    }

    private static ClamdClient client(HostileClamd peer, Duration readTimeout, Duration scanTimeout) {
        return new ClamdClient(settings("127.0.0.1", peer.port(), readTimeout, scanTimeout));
    }

    private static VirusSettings settings(String host, int port, Duration readTimeout, Duration scanTimeout) {
        return new VirusSettings(host, port, Duration.ofSeconds(2), readTimeout, scanTimeout, 65_536,
            VirusSettings.DEFAULT_MAX_SCAN_BYTES, ScanFailurePolicy.QUARANTINE);
    }
}
