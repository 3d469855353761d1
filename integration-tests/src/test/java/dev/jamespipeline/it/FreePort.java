package dev.jamespipeline.it;

import java.io.IOException;
import java.net.ServerSocket;

/** A local port nothing listens on at the moment of the call: for a server to bind, or a refused connection. */
final class FreePort {
    private FreePort() {
    }

    static int next() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
