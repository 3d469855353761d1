package dev.jamespipeline.security.virus;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A server on a loopback port that answers like a broken or hostile clamd: each connection is handed to
 * {@link Behaviour}, which may read the INSTREAM request (or not) and write whatever it likes.
 */
final class HostileClamd implements AutoCloseable {
    interface Behaviour {
        void serve(Socket connection, HostileClamd server) throws Exception;
    }

    private final ServerSocket socket;
    private final Thread acceptor;
    /** Bytes of chunk data the last request carried, when the behaviour read it with {@link #readRequest}. */
    final AtomicLong received = new AtomicLong();

    private HostileClamd(ServerSocket socket, Behaviour behaviour) {
        this.socket = socket;
        this.acceptor = new Thread(() -> accept(behaviour), "hostile-clamd");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static HostileClamd start(Behaviour behaviour) throws IOException {
        ServerSocket socket = new ServerSocket();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return new HostileClamd(socket, behaviour);
    }

    int port() {
        return socket.getLocalPort();
    }

    /** Reads "zINSTREAM\0" and every chunk up to the zero-length one, as clamd does. */
    void readRequest(InputStream in) throws IOException {
        byte[] command = in.readNBytes(10);
        if (!"zINSTREAM\0".equals(new String(command, java.nio.charset.StandardCharsets.US_ASCII))) {
            throw new IOException("not an INSTREAM request");
        }
        long total = 0;
        int length;
        while ((length = ByteBuffer.wrap(in.readNBytes(4)).getInt()) > 0) {
            total += in.readNBytes(length).length;
        }
        received.set(total);
    }

    private void accept(Behaviour behaviour) {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                Thread handler = new Thread(() -> {
                    try (connection) {
                        behaviour.serve(connection, this);
                    } catch (Exception ignored) {
                        // the client went away, as some tests make it
                    }
                }, "hostile-clamd-connection");
                handler.setDaemon(true);
                handler.start();
            } catch (IOException closed) {
                return;
            }
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
