package dev.jamespipeline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A real, private clamd (Debian package clamav-daemon) for tests: its own clamd.conf, listening on a free
 * TCP port of 127.0.0.1 only, with the signature database the tests ship ({@link TestViruses}) copied into a
 * directory of its own. {@link #stop()} and {@link #startAgain()} take it away and bring it back on the same port
 * (a scanner outage). The system's clamd, if any, is neither used nor touched.
 */
public final class ClamdPeer implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    /** Debian's clamd.conf default (25M): what clamd accepts over INSTREAM before it answers "size limit exceeded". */
    public static final long DEFAULT_STREAM_MAX_LENGTH = 25L * 1024 * 1024;
    private static final String CLAMD = "/usr/sbin/clamd";
    private static final List<String> DATABASE_FILES = List.of("pipeline-test.hdb", "pipeline-test.ndb");

    private final Path directory;
    private final Path config;
    private final int port;
    private PeerDaemon daemon;

    private ClamdPeer(Path directory, Path config, int port) {
        this.directory = directory;
        this.config = config;
        this.port = port;
    }

    /** A clamd that accepts streams of up to {@link #DEFAULT_STREAM_MAX_LENGTH} bytes. */
    public static ClamdPeer start() {
        return start(DEFAULT_STREAM_MAX_LENGTH);
    }

    /** @param streamMaxLength clamd's StreamMaxLength, in bytes */
    public static ClamdPeer start(long streamMaxLength) {
        PeerDaemon.requireProgram(CLAMD, "clamav-daemon");
        Path directory = PeerDaemon.workDirectory("clamd");
        Path database = copyDatabase(directory.resolve("db"));
        for (int attempt = 0; attempt < 5; attempt++) {
            int port = freePort();
            Path config = writeConfig(directory, database, port, streamMaxLength);
            ClamdPeer peer = new ClamdPeer(directory, config, port);
            if (peer.tryStart()) {
                return peer;
            }
        }
        throw new IllegalStateException("clamd found no free port on " + HOST + " in 5 attempts (see " + directory + ")");
    }

    public String host() {
        return HOST;
    }

    public int port() {
        return port;
    }

    /** Stops clamd: connections to its port are refused until {@link #startAgain()}. */
    public synchronized void stop() {
        if (daemon != null) {
            daemon.close();
            daemon = null;
            PeerDaemon.awaitClosed(PeerDaemon.address(HOST), port);
        }
    }

    /** Starts clamd again on the same port, after {@link #stop()}. */
    public synchronized void startAgain() {
        if (daemon == null && !tryStart()) {
            throw new IllegalStateException(HOST + ":" + port + " was taken while clamd was stopped");
        }
    }

    public synchronized boolean running() {
        return daemon != null;
    }

    @Override
    public synchronized void close() {
        stop();
        PeerDaemon.deleteDirectory(directory);
    }

    private synchronized boolean tryStart() {
        daemon = PeerDaemon.start(List.of(CLAMD, "--config-file=" + config), directory.resolve("clamd.log"),
            PeerDaemon.address(HOST), port);
        return daemon != null;
    }

    private static Path copyDatabase(Path database) {
        try {
            Files.createDirectories(database);
            for (String file : DATABASE_FILES) {
                try (InputStream in = ClamdPeer.class.getResourceAsStream("/clamav/" + file)) {
                    if (in == null) {
                        throw new IllegalStateException("the test signature database clamav/" + file + " is not on the class path");
                    }
                    Files.copy(in, database.resolve(file));
                }
            }
            return database;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Only what the tests need; everything else is clamd's default (Debian's clamd.conf is not read). */
    private static Path writeConfig(Path directory, Path database, int port, long streamMaxLength) {
        String conf = String.join("\n",
            "TCPSocket " + port,
            "TCPAddr " + HOST,
            "DatabaseDirectory " + database,
            "TemporaryDirectory " + directory,
            "Foreground yes",
            "LogTime yes",
            "StreamMaxLength " + streamMaxLength,
            "ScanMail yes",
            // No self-check reload in the middle of a test.
            "SelfCheck 0",
            "");
        try {
            Path config = directory.resolve("clamd-" + port + ".conf");
            Files.writeString(config, conf);
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
