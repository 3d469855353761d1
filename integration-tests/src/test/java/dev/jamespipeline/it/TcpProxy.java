package dev.jamespipeline.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A loopback TCP forwarder placed between James and a service (RabbitMQ, OpenSearch), so a test can
 * make the service's port unreachable ({@link #cut()}: every connection dropped, new ones refused)
 * and bring it back.
 */
final class TcpProxy implements AutoCloseable {
    private final URI targetUri;
    private final String targetHost;
    private final int targetPort;
    private final int port;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile ServerSocket server;

    /** A proxy in front of the service at {@code targetUri}; {@link #uri()} is the address James should use. */
    TcpProxy(String targetUri) throws IOException {
        this.targetUri = URI.create(targetUri);
        this.targetHost = this.targetUri.getHost();
        this.targetPort = this.targetUri.getPort();
        this.port = freePortBelowTheEphemeralRange();
        restore();
    }

    /**
     * The proxy closes and reopens its port during a test. A port from the ephemeral range (what
     * port 0 gives) can meanwhile become the local port of some client connection on this busy
     * machine, and the reopening fails; ports below that range are never handed out that way. Test
     * JVMs running side by side (surefire's forks) take ports from separate blocks, so one cannot take
     * the port of another's cut proxy.
     */
    private static int freePortBelowTheEphemeralRange() throws IOException {
        int block = (Integer.getInteger("pipeline.test.fork", 1) - 1) % 4;
        for (int attempt = 0; attempt < 100; attempt++) {
            int candidate = 20_000 + block * 3_000 + ThreadLocalRandom.current().nextInt(3_000);
            try (ServerSocket probe = new ServerSocket(candidate, 50, InetAddress.getLoopbackAddress())) {
                return probe.getLocalPort();
            } catch (IOException taken) {
                // try another one
            }
        }
        throw new IOException("no free port in block " + block + " of 20000-32000 on the loopback address");
    }

    /** The target's URI with the proxy's address. */
    String uri() {
        try {
            return new URI(targetUri.getScheme(), targetUri.getRawUserInfo(), "127.0.0.1", port, targetUri.getRawPath(),
                null, null).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized void restore() throws IOException {
        if (server != null && !server.isClosed()) {
            return;
        }
        ServerSocket listening = new ServerSocket();
        listening.setReuseAddress(true);
        listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        server = listening;
        Thread acceptor = new Thread(() -> acceptLoop(listening), "tcp-proxy-accept-" + port);
        acceptor.setDaemon(true);
        acceptor.start();
    }

    synchronized void cut() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            socket.close();
        }
        sockets.clear();
    }

    private void acceptLoop(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                Socket upstream = new Socket(targetHost, targetPort);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException e) {
                // one side went away: close both below
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        cut();
    }
}
