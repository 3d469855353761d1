package dev.jamespipeline.it;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A RabbitMQ node of the test class's own, on free loopback ports with its data under a temporary
 * directory, for tests that change broker-wide state (resource alarms) the shared broker must not
 * see: started before the class, stopped and deleted after it. The test is skipped where the
 * rabbitmq-server binaries are not installed.
 */
final class PrivateRabbitMQNode implements BeforeAllCallback, AfterAllCallback {
    private static final long START_TIMEOUT_SECONDS = 90;
    private static final long COMMAND_TIMEOUT_SECONDS = 60;

    private final Optional<Path> server = installed("rabbitmq-server");
    private final Optional<Path> ctl = installed("rabbitmqctl");
    private final String nodeName = "pipeline-it-" + UUID.randomUUID().toString().substring(0, 8) + "@localhost";
    private Path base;
    private int amqpPort;
    private Process process;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        assumeTrue(server.isPresent() && ctl.isPresent(),
            "rabbitmq-server and rabbitmqctl are not installed: no private RabbitMQ node for this test");
        amqpPort = freePort();
        int distributionPort = freePort();
        base = Files.createTempDirectory("pipeline-it-rabbitmq-");
        // The server runs as the rabbitmq user when started by root: it must reach and own its directory.
        Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (isRoot()) {
            Files.setOwner(base, base.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("rabbitmq"));
        }
        Path config = base.resolve("rabbitmq.conf");
        Files.writeString(config, "listeners.tcp.local = 127.0.0.1:" + amqpPort + "\n");
        // In the foreground, a child of this JVM: its process tree can be ended whatever state it is in.
        ProcessBuilder start = new ProcessBuilder(server.get().toString())
            .redirectErrorStream(true)
            .redirectOutput(base.resolve("server.out").toFile());
        start.environment().putAll(Map.of(
            "RABBITMQ_NODENAME", nodeName,
            "RABBITMQ_CONFIG_FILE", config.toString(),
            "RABBITMQ_DIST_PORT", String.valueOf(distributionPort),
            "RABBITMQ_MNESIA_BASE", base.resolve("mnesia").toString(),
            "RABBITMQ_LOG_BASE", base.resolve("log").toString(),
            "RABBITMQ_PID_FILE", base.resolve("pid").toString(),
            "RABBITMQ_ENABLED_PLUGINS_FILE", base.resolve("enabled_plugins").toString()));
        process = start.start();
        awaitStartup();
    }

    private void awaitStartup() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(START_TIMEOUT_SECONDS);
        String lastOutput = "";
        while (System.nanoTime() < deadline && process.isAlive()) {
            CommandResult result = command("await_startup", "--timeout", "10");
            if (result.exitCode() == 0) {
                return;
            }
            lastOutput = result.output();
            Thread.sleep(500);
        }
        throw new IllegalStateException("RabbitMQ node " + nodeName + " did not start within " + START_TIMEOUT_SECONDS
            + " s: " + lastOutput + "\n" + Files.readString(base.resolve("server.out")));
    }

    /** guest/guest on the default virtual host, as the shared broker. */
    String amqpUri() {
        return "amqp://guest:guest@127.0.0.1:" + amqpPort + "/%2F";
    }

    /** A memory alarm, in force on return: the node blocks every connection that publishes until {@link #clearMemoryAlarm()}. */
    void raiseMemoryAlarm() throws Exception {
        rabbitmqctl("set_vm_memory_high_watermark", "0.0000001");
        awaitMemoryAlarm(true);
    }

    /** Back to the default watermark; the alarm is over on return. */
    void clearMemoryAlarm() throws Exception {
        rabbitmqctl("set_vm_memory_high_watermark", "0.4");
        awaitMemoryAlarm(false);
    }

    /** The node's memory monitor raises and clears the alarm on its next check, not when the watermark is set. */
    private void awaitMemoryAlarm(boolean inForce) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(COMMAND_TIMEOUT_SECONDS);
        while (rabbitmqctl("eval", "rabbit_alarm:get_alarms().").contains("memory") != inForce) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the memory alarm of " + nodeName + " is not " + (inForce ? "raised" : "cleared")
                    + " after " + COMMAND_TIMEOUT_SECONDS + " s");
            }
            Thread.sleep(200);
        }
    }

    /** Closes, from the broker, every connection whose client-given name is {@code connectionName}; returns how many. */
    int closeConnections(String connectionName, String explanation) throws Exception {
        Set<String> pids = connectionPids(connectionName);
        for (String pid : pids) {
            rabbitmqctl("close_connection", pid, explanation);
        }
        return pids.size();
    }

    /** The broker's process ids of the connections whose client-given name is {@code connectionName}. */
    Set<String> connectionPids(String connectionName) throws Exception {
        return rabbitmqctl("list_connections", "-q", "--no-table-headers", "pid", "client_properties").lines()
            .filter(line -> line.contains("\"" + connectionName + "\""))
            .map(line -> line.trim().split("\\s+")[0])
            .collect(Collectors.toSet());
    }

    /** Runs {@code rabbitmqctl -n <this node> args...} and returns its output; fails on a non-zero exit. */
    String rabbitmqctl(String... args) throws Exception {
        return run(rabbitmqctlCommand(args));
    }

    private ProcessBuilder rabbitmqctlCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(ctl.get().toString(), "-n", nodeName));
        command.addAll(List.of(args));
        return new ProcessBuilder(command);
    }

    private String run(ProcessBuilder builder) throws Exception {
        CommandResult result = command(builder);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", builder.command()) + " exited with " + result.exitCode()
                + ": " + result.output());
        }
        return result.output();
    }

    private CommandResult command(String... rabbitmqctlArgs) throws Exception {
        return command(rabbitmqctlCommand(rabbitmqctlArgs));
    }

    private static CommandResult command(ProcessBuilder builder) throws Exception {
        File output = Files.createTempFile("rabbitmqctl-", ".out").toFile();
        try {
            Process process = builder.redirectErrorStream(true).redirectOutput(output).start();
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", builder.command()) + " did not finish within "
                    + COMMAND_TIMEOUT_SECONDS + " s");
            }
            return new CommandResult(process.exitValue(), Files.readString(output.toPath()));
        } finally {
            output.delete();
        }
    }

    private record CommandResult(int exitCode, String output) {
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (base == null) {
            return;
        }
        try {
            if (process != null) {
                stop();
            }
        } finally {
            try (Stream<Path> paths = Files.walk(base)) {
                paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
    }

    /** Asks the node to stop; if it does not (or cannot be reached), ends its processes: none outlives the test. */
    private void stop() throws Exception {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        if (process.isAlive()) {
            command("stop");
        }
        if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            tree.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** Debian installs the RabbitMQ commands in /usr/sbin, which a non-root PATH often lacks. */
    private static Optional<Path> installed(String executable) {
        return Stream.concat(Stream.of(System.getenv("PATH").split(File.pathSeparator)), Stream.of("/usr/sbin"))
            .map(directory -> Path.of(directory, executable))
            .filter(Files::isExecutable)
            .findFirst();
    }

    private static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
