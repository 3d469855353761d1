package dev.jamespipeline.security.spam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import dev.jamespipeline.security.scanner.ScannerUnavailableException;

/**
 * What a scanner's reply can do to the client, from a raw local socket server that reads the request and then
 * answers whatever a test tells it: each ends as {@link ScannerUnavailableException} with its reason, never a
 * hang, an unbounded read or a made-up verdict.
 */
class HostileRspamdRepliesTest {
    private static final String OK_HEADER = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n";
    private final List<AutoCloseable> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopServers() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    @Test
    void somethingThatIsNotHttp() {
        assertUnavailable(out -> out.write("SSH-2.0-OpenSSH_9.2\r\n".getBytes(StandardCharsets.US_ASCII)), "rspamd at ");
    }

    @Test
    void anHttpError() {
        assertUnavailable(out -> out.write(("HTTP/1.1 500 Internal Server Error\r\nContent-Length: 5\r\n\r\noops!")
            .getBytes(StandardCharsets.US_ASCII)), "HTTP 500");
    }

    @Test
    void aTenMegabyteReplyIsNotReadToItsEnd() {
        assertUnavailable(out -> {
            int size = 10 * 1024 * 1024;
            out.write((OK_HEADER + "Content-Length: " + size + "\r\n\r\n{\"score\":1,\"x\":\"").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII);
            for (int written = 0; written < size; written += chunk.length) {
                out.write(chunk);
            }
        }, "larger than " + RspamdClient.MAX_REPLY_BYTES + " bytes");
    }

    @Test
    void aReplyThatNeverEnds() {
        assertUnavailable(out -> {
            out.write((OK_HEADER + "Content-Length: 1000000\r\n\r\n{\"score\":").getBytes(StandardCharsets.US_ASCII));
            while (true) {
                out.write(' ');
                out.flush();
                sleep(50);
            }
        }, "no complete reply within 1000 ms");
    }

    @Test
    void noReplyAtAll() {
        assertUnavailable(out -> sleep(60_000), "no complete reply within 1000 ms");
    }

    @Test
    void garbledJson() {
        assertUnavailable(json("{\"score\": 1.0, \"required_score\": "), "not JSON");
        assertUnavailable(json("[1, 2, 3]"), "not a JSON object");
        assertUnavailable(json("{\"score\": \"high\", \"required_score\": 15, \"action\": \"reject\"}"), "no numeric score");
        assertUnavailable(json("{\"score\": 1, \"action\": \"reject\"}"), "no numeric required_score");
        assertUnavailable(json("{\"score\": 1, \"required_score\": 15}"), "no valid action");
        assertUnavailable(json("{\"score\": 1, \"required_score\": 15, \"action\": \"no action\\r\\nX-Spam-Status: No\"}"), "no valid action");
        assertUnavailable(json("{\"score\": 1, \"required_score\": 15, \"action\": \"reject\", \"symbols\": {\"A\\r\\nX-Spam: no\": {}}}"),
            "invalid symbol name");
        assertUnavailable(json("{\"score\": 1, \"required_score\": 15, \"action\": \"reject\", \"symbols\": [\"GTUBE\"]}"),
            "symbols that are not an object");
    }

    @Test
    void aWellFormedReplyIsReadAsRspamdMeansIt() throws Exception {
        RspamdClient client = client(json("{\"score\": 7.5, \"required_score\": 15, \"action\": \"add header\", \"symbols\": {"
            + "\"LOW\": {\"score\": 0.5}, \"HIGH\": {\"score\": 7.0}, \"NONE\": {}}}"));

        SpamCheck check = client.check(SpamSamples.ENVELOPE, SpamSamples.bytes(SpamSamples.HAM));

        assertThat(check).isEqualTo(new SpamCheck(7.5, 15, "add header", List.of("HIGH", "LOW", "NONE")));
        assertThat(check.isSpam()).isTrue();
    }

    private void assertUnavailable(Reply reply, String reason) {
        RspamdClient client = client(reply);
        assertThatThrownBy(() -> client.check(SpamSamples.ENVELOPE, SpamSamples.bytes(SpamSamples.HAM)))
            .isInstanceOf(ScannerUnavailableException.class)
            .hasMessageContaining(reason);
    }

    private RspamdClient client(Reply reply) {
        RawServer server = new RawServer(reply);
        servers.add(server);
        return new RspamdClient(SpamSamples.settings(server.uri(), Map.of(SpamSettings.REQUEST_TIMEOUT, "1000")));
    }

    private static Reply json(String body) {
        return out -> out.write((OK_HEADER + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
            .getBytes(StandardCharsets.UTF_8));
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private interface Reply {
        void write(OutputStream out) throws IOException;
    }

    /** Reads one HTTP request per connection (header and Content-Length body), then runs the reply. */
    private static final class RawServer implements AutoCloseable {
        private final ServerSocket socket;
        private final Thread thread;

        RawServer(Reply reply) {
            try {
                socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            thread = new Thread(() -> serve(reply), "hostile rspamd");
            thread.setDaemon(true);
            thread.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        private void serve(Reply reply) {
            while (!socket.isClosed()) {
                try (Socket connection = socket.accept()) {
                    readRequest(connection.getInputStream());
                    OutputStream out = connection.getOutputStream();
                    reply.write(out);
                    out.flush();
                } catch (IOException closedOrClientGone) {
                    // the test is over, or the client gave up on the reply
                }
            }
        }

        private static void readRequest(InputStream in) throws IOException {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            while (!header.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    return;
                }
                header.write(b);
            }
            long length = header.toString(StandardCharsets.ISO_8859_1).lines()
                .filter(line -> line.toLowerCase(Locale.ROOT).startsWith("content-length:"))
                .mapToLong(line -> Long.parseLong(line.substring(line.indexOf(':') + 1).trim()))
                .findFirst().orElse(0);
            in.readNBytes((int) length);
        }

        @Override
        public void close() throws IOException {
            socket.close();
            thread.interrupt();
        }
    }
}
