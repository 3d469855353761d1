package dev.jamespipeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Rspamd (Debian package rspamd) for tests: a private instance with its own configuration, pid file,
 * database directory and a free port on 127.0.0.1, run in the foreground and stopped at {@link #close}.
 * {@link #stop} and {@link #start} take it down and bring it back on the same port (scanner outages).
 * <p>
 * The configuration is minimal and needs no network: no Lua rules, no Redis, DNS pointed at a closed port, and
 * a five-entry TLD list instead of the public suffix list (compiling that takes Rspamd half a minute at each
 * start). What it detects is what Rspamd's core does on its own: GTUBE, a pre-result of action "reject".
 * The actions' thresholds are Rspamd's defaults (reject 15, add header 6, greylist 4).
 */
public final class RspamdPeer implements AutoCloseable {
    private static final String RSPAMD = "/usr/bin/rspamd";

    private final Path directory;
    private final int port;
    private PeerDaemon daemon;

    private RspamdPeer(Path directory, int port) {
        this.directory = directory;
        this.port = port;
    }

    /** Starts a private Rspamd on a free 127.0.0.1 port. */
    public static RspamdPeer start() {
        PeerDaemon.requireProgram(RSPAMD, "rspamd");
        Path directory = PeerDaemon.workDirectory("rspamd");
        for (int attempt = 0; attempt < 5; attempt++) {
            RspamdPeer peer = new RspamdPeer(directory, freePort());
            peer.writeConfiguration();
            if (peer.launch()) {
                return peer;
            }
        }
        throw new IllegalStateException("rspamd found no free 127.0.0.1 port in 5 attempts (see " + directory + ")");
    }

    /** The normal worker's base URL, for example {@code http://127.0.0.1:40123}. */
    public URI uri() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** Stops Rspamd; its port refuses connections until {@link #restart}. */
    public synchronized void stop() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
            PeerDaemon.awaitClosed(loopback(), port);
        }
    }

    /** Starts Rspamd again on the same port after {@link #stop}. */
    public synchronized void restart() {
        if (daemon == null && !launch()) {
            throw new IllegalStateException("127.0.0.1:" + port + " was taken while rspamd was stopped");
        }
    }

    @Override
    public synchronized void close() {
        stop();
        PeerDaemon.deleteDirectory(directory);
    }

    private boolean launch() {
        List<String> command = new ArrayList<>(List.of(RSPAMD, "-f", "-c", directory.resolve("rspamd.conf").toString()));
        if (PeerDaemon.runningAsRoot()) {
            // Rspamd refuses root unless told which user to run as; -i lets it keep root in a private test instance.
            command.addAll(List.of("-i", "-u", "root", "-g", "root"));
        }
        daemon = PeerDaemon.start(command, directory.resolve("rspamd.log"), loopback(), port);
        return daemon != null;
    }

    private void writeConfiguration() {
        try {
            Files.createDirectories(directory.resolve("db"));
            Files.writeString(directory.resolve("tld.dat"), "com\norg\nnet\ntest\nexample\n", StandardCharsets.UTF_8);
            Files.writeString(directory.resolve("rspamd.conf"), """
                options {
                  pidfile = "%1$s/rspamd.pid";
                  dbdir = "%1$s/db";
                  tempdir = "%1$s";
                  filters = "";
                  url_tld = "%1$s/tld.dat";
                  dns { nameserver = ["127.0.0.1:1"]; timeout = 1s; retransmits = 1; }
                }
                logging { type = "console"; level = "notice"; }
                actions { reject = 15; add_header = 6; greylist = 4; }
                worker "normal" { bind_socket = "127.0.0.1:%2$d"; count = 1; task_timeout = 8s; }
                """.formatted(directory, port), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InetAddress loopback() {
        return PeerDaemon.address("127.0.0.1");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, loopback())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
