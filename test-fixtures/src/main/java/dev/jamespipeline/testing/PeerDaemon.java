package dev.jamespipeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.security.auth.module.UnixSystem;

/**
 * What the test peers (dnsmasq, smtp-sink, a private Postfix) share: the installed program checked with one
 * clear line, a free loopback address for a privileged port, a foreground daemon whose output goes to a
 * log file, started until its port answers and stopped at close or, should a test forget, at JVM exit.
 */
final class PeerDaemon implements AutoCloseable {
    private static final long START_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(15);

    private final Process process;
    private final Path log;
    private final Thread shutdownHook;

    private PeerDaemon(Process process, Path log) {
        this.process = process;
        this.log = log;
        this.shutdownHook = new Thread(process::destroy, "stop " + process.info().command().orElse("peer"));
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** A daemon this class did not start (its caller reads its output). */
    static PeerDaemon adopt(Process process) {
        return new PeerDaemon(process, null);
    }

    /** Fails with one line naming the Debian package when {@code program} is not installed. */
    static Path requireProgram(String program, String debianPackage) {
        Path path = Path.of(program);
        if (!Files.isExecutable(path)) {
            throw new IllegalStateException(program + " is not installed: install the Debian package " + debianPackage
                + " (scripts/test-peers.sh does it as root; ./test.sh runs it)");
        }
        return path;
    }

    /**
     * A loopback address, {@code prefix} followed by 2..254 (from a random start, so concurrent test JVMs rarely
     * meet), where {@code port} is free over TCP and, with {@code udpToo}, over UDP.
     */
    static InetAddress freeLoopbackAddress(String prefix, int port, boolean udpToo) {
        int start = ThreadLocalRandom.current().nextInt(253);
        for (int i = 0; i < 253; i++) {
            InetAddress candidate = address(prefix + (2 + (start + i) % 253));
            if (isFree(candidate, port, udpToo)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no address " + prefix + "2-254 has port " + port + " free");
    }

    private static boolean isFree(InetAddress address, int port, boolean udpToo) {
        try (ServerSocket tcp = new ServerSocket()) {
            tcp.bind(new InetSocketAddress(address, port));
            if (udpToo) {
                new DatagramSocket(new InetSocketAddress(address, port)).close();
            }
            return true;
        } catch (BindException e) {
            if (e.getMessage() != null && e.getMessage().contains("Permission denied")) {
                throw new IllegalStateException("binding " + address.getHostAddress() + ":" + port
                    + " needs root (the test peers listen on the standard ports a mail server uses)", e);
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + literal, e);
        }
    }

    /**
     * Starts {@code command} in the foreground, its output appended to {@code log}, and waits until
     * {@code address:port} accepts a TCP connection. Returns null when the daemon exited because the
     * address was taken meanwhile (the caller tries another); throws with the log's end on any other failure.
     */
    static PeerDaemon start(List<String> command, Path log, InetAddress address, int port) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            PeerDaemon daemon = new PeerDaemon(process, log);
            if (daemon.awaitListening(address, port)) {
                return daemon;
            }
            daemon.close();
            String output = Files.readString(log, StandardCharsets.UTF_8);
            if (output.contains("Address already in use") || output.contains("address already in use")) {
                return null;
            }
            throw new IllegalStateException(String.join(" ", command) + " did not listen on " + address.getHostAddress()
                + ":" + port + "; its output: " + lastLines(output));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until a TCP connection to {@code address:port} is accepted; false if the daemon died or it took too long. */
    boolean awaitListening(InetAddress address, int port) {
        return awaitListening(address, port, process);
    }

    /** Waits until {@code address:port} accepts a connection, or {@code daemon} (if any) exits. */
    static boolean awaitListening(InetAddress address, int port, Process daemon) {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 500);
                return true;
            } catch (IOException notYet) {
                if (daemon != null && !daemon.isAlive()) {
                    return false;
                }
                sleep(50);
            }
        }
        return false;
    }

    /** Waits until nothing listens on {@code address:port} any more. */
    static void awaitClosed(InetAddress address, int port) {
        long deadline = System.nanoTime() + START_TIMEOUT_NANOS;
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(address, port), 500);
                sleep(50);
            } catch (IOException closed) {
                return;
            }
        }
        throw new IllegalStateException(address.getHostAddress() + ":" + port + " still listens after the peer was stopped");
    }

    Process process() {
        return process;
    }

    Path log() {
        return log;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shuttingDown) {
            // already running the hooks: nothing to remove
        }
    }

    /** A fresh directory the daemons' users (postfix, nobody) can traverse. */
    static Path workDirectory(String name) {
        try {
            Path directory = Files.createTempDirectory(name + "-");
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a peer's scratch directory (its configuration, log and received mail) once the peer is stopped. */
    static void deleteDirectory(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A directory owned by {@code user}, where a daemon that dropped its privileges to that user writes. */
    static Path directoryOwnedBy(Path directory, String user) {
        try {
            Files.createDirectories(directory);
            UserPrincipal owner = directory.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
            Files.setOwner(directory, owner);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean runningAsRoot() {
        return new UnixSystem().getUid() == 0;
    }

    /** Runs a short command to its end; throws with its output when it fails. */
    static String run(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + lastLines(output));
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String lastLines(String output) {
        List<String> lines = output.lines().toList();
        return String.join(" | ", lines.subList(Math.max(0, lines.size() - 8), lines.size()));
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
