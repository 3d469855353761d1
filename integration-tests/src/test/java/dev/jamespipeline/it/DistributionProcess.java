package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.commons.configuration2.BaseConfiguration;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.state.StateSettings;
import dev.jamespipeline.search.indexer.SearchConfiguration;
import dev.jamespipeline.server.PipelineJamesServerMain;
import dev.jamespipeline.testing.PostgresTestDatabase;

/**
 * The assembled distribution ({@code distribution/target/james}) started in its own JVM, as an
 * operator starts it, on free ports, with a queue prefix and an index name of its own.
 */
final class DistributionProcess implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Process james;
    private final Path log;
    private final String prefix;
    private final String indexName;
    final int smtp;
    final int imap;
    final int webAdmin;
    private final String webAdminToken;
    private final ProcessBuilder launcher;
    /** The database of this James's users and mailboxes, dropped on close; null for the stock James. */
    private PostgresTestDatabase database;

    private DistributionProcess(Process james, Path log, String prefix, String indexName, int smtp, int imap, int webAdmin,
                                String webAdminToken, ProcessBuilder launcher, PostgresTestDatabase database) {
        this.james = james;
        this.launcher = launcher;
        this.database = database;
        this.log = log;
        this.prefix = prefix;
        this.indexName = indexName;
        this.smtp = smtp;
        this.imap = imap;
        this.webAdmin = webAdmin;
        this.webAdminToken = webAdminToken;
    }

    /**
     * The assembled distribution with its own configuration.
     *
     * @param mainClass  James's or ours
     * @param classPath  entries relative to the distribution's home, as the run script lists them
     */
    static DistributionProcess start(Path workDir, String mainClass, String... classPath) throws Exception {
        Path home = distributionHome();
        copyTree(home.resolve("conf"), workDir.resolve("conf"));
        copyTree(home.resolve("extensions-jars"), workDir.resolve("extensions-jars"));
        edit(workDir.resolve("conf/pipeline.properties"), text -> text
            + "\n" + PipelineConfiguration.SIGNING_KEYS + "=" + PipelineJames.TEST_SIGNING_KEYS + "\n");
        if (!mainClass.equals(PipelineJamesServerMain.class.getName())) {
            // James's own main has no PostgreSQL backend (it ignores james-database.properties) and no
            // postgres:// mail repositories: its error mail stays in memory, as in the stock memory app.
            edit(workDir.resolve("conf/mailetcontainer.xml"), text -> text.replace("postgres://var/mail/", "memory://var/mail/"));
            // Nor the append hook that writes the PostgreSQL ledger: the pipeline's state stays in files (the drop-in's default).
            edit(workDir.resolve("conf/pipeline.properties"), text -> text
                .replace(StateSettings.LEDGER_BACKEND + "=postgres", StateSettings.LEDGER_BACKEND + "=file")
                .replace(StateSettings.STORE_BACKEND + "=postgres", StateSettings.STORE_BACKEND + "=file"));
        }
        PostgresTestDatabase database = PostgresTestDatabase.create();
        PipelineJames.useDatabase(workDir.resolve("conf"), database);
        int submission = freePort();
        int jmx = freePort();
        return launch(workDir, database, (conf, ports) -> {
            edit(conf.resolve("smtpserver.xml"), text -> text
                .replace("0.0.0.0:2525", "127.0.0.1:" + ports.smtp()).replace("0.0.0.0:5870", "127.0.0.1:" + submission));
            edit(conf.resolve("imapserver.xml"), text -> PipelineJames.allowPlainImapLogin(
                text.replace("0.0.0.0:1143", "127.0.0.1:" + ports.imap())));
            edit(conf.resolve("webadmin.properties"), text -> text.replace("port=8000", "port=" + ports.webAdmin()));
            edit(conf.resolve("jmx.properties"), text -> text.replace("jmx.port=9999", "jmx.port=" + jmx));
            return WebAdminToken.create(conf);
        }, mainClass, Stream.of(classPath).map(home::resolve).toArray(Path[]::new));
    }

    /** Where the distribution module assembled James: its jar, the libraries it names, our jars. */
    static Path distributionHome() {
        return Path.of(System.getProperty("pipeline.james.home")).toAbsolutePath().normalize();
    }

    /** The ports a started James answers on; the binding picks free ones for everything else. */
    record Ports(int smtp, int imap, int webAdmin) {
    }

    /** Moves the configuration in conf/ onto the given ports (and any others it needs, on free ports). */
    @FunctionalInterface
    interface Binding {
        /** @return the WebAdmin admin token, or null when WebAdmin asks for none */
        String bind(Path conf, Ports ports) throws Exception;
    }

    /**
     * Starts James in its own JVM with workDir (holding conf/ and extensions-jars/) as its working
     * directory, on free ports, with a queue prefix and an index name of its own.
     */
    static DistributionProcess launch(Path workDir, Binding binding, String mainClass, Path... classPath) throws Exception {
        return launch(workDir, null, binding, mainClass, classPath);
    }

    private static DistributionProcess launch(Path workDir, PostgresTestDatabase database, Binding binding, String mainClass,
                                              Path... classPath) throws Exception {
        Ports ports = new Ports(freePort(), freePort(), freePort());
        String testId = "dist-it-" + UUID.randomUUID().toString().substring(0, 8);
        String webAdminToken = binding.bind(workDir.resolve("conf"), ports);
        edit(workDir.resolve("conf/pipeline.properties"), text -> text
            .replaceAll("(?m)^amqp\\.uri=.*$", "amqp.uri=" + RabbitMQEndpoint.amqpUri())
            .replaceAll("(?m)^topology\\.name\\.prefix=.*$", "topology.name.prefix=" + testId + ".")
            .replaceAll("(?m)^search\\.opensearch\\.url=.*$", "search.opensearch.url=" + OpenSearchEndpoint.uri())
            .replaceAll("(?m)^search\\.index\\.name=.*$", "search.index.name=" + testId + "-mail"));
        PipelineJames.generateKeystore(workDir.resolve("conf/keystore"));

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        String path = Stream.of(classPath).map(Path::toString).collect(Collectors.joining(":"));
        ProcessBuilder launcher = new ProcessBuilder(java.toString(),
            "-Dworking.directory=" + workDir,
            "-Dlogback.configurationFile=" + workDir.resolve("conf/logback.xml"),
            "-Dextra.props=" + workDir.resolve("conf/jvm.properties"),
            "-cp", path, mainClass)
            .directory(workDir.toFile())
            .redirectErrorStream(true);
        Path log = workDir.resolve("james.log");
        return awaitStarted(new DistributionProcess(launcher.redirectOutput(log.toFile()).start(), log, testId + ".",
            testId + "-mail", ports.smtp(), ports.imap(), ports.webAdmin(), webAdminToken, launcher, database));
    }

    /**
     * Kills this James as {@code kill -9} does (no shutdown hook, nothing flushed), then starts the same
     * distribution again: same working directory, configuration, ports and database.
     */
    DistributionProcess killHardAndStartAgain() throws Exception {
        james.destroyForcibly().waitFor();
        Path restartLog = log.resolveSibling("james-restarted-" + System.nanoTime() + ".log");
        DistributionProcess restarted = new DistributionProcess(launcher.redirectOutput(restartLog.toFile()).start(), restartLog,
            prefix, indexName, smtp, imap, webAdmin, webAdminToken, launcher, database);
        database = null; // the restarted James drops it
        return awaitStarted(restarted);
    }

    private static DistributionProcess awaitStarted(DistributionProcess started) throws Exception {
        await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!started.james.isAlive()) {
                throw new AssertionError("James exited during start-up:\n" + started.log());
            }
            return started.log().contains("JAMES server started") && portOpen(started.smtp);
        });
        return started;
    }

    /** The PostgreSQL database this James keeps its users and mailboxes in. */
    PostgresTestDatabase database() {
        return database;
    }

    /** The names of the queues and exchanges this James declared start with this. */
    String queuePrefix() {
        return prefix;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** Adds a domain and a user with password "secret" through WebAdmin. */
    void addUser(String domain, String user) throws Exception {
        webAdminPut("/domains/" + domain, "");
        webAdminPut("/users/" + user, "{\"password\":\"secret\"}");
    }

    HttpResponse<String> webAdminGet(String path) throws Exception {
        return HttpClient.newHttpClient().send(authorized(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webAdmin + path)))
            .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A WebAdmin PUT as the admin; fails unless WebAdmin answers 204. */
    void webAdminPut(String path, String json) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(authorized(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + webAdmin + path)))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder request) {
        return webAdminToken == null ? request : request.header("Authorization", WebAdminToken.bearer(webAdminToken));
    }

    @Override
    public void close() throws Exception {
        james.destroy();
        james.waitFor();
        if (database != null) {
            database.close();
        }
        BaseConfiguration settings = new BaseConfiguration();
        settings.addProperty(PipelineConfiguration.NAME_PREFIX, prefix);
        TopologyCleanup.delete(RabbitMQEndpoint.amqpUri(), PipelineConfiguration.from(settings));
        new SearchIndexProbe(indexName).deleteIndexAndTemplate();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path source : (Iterable<Path>) paths::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else if (!source.getFileName().toString().equals("keystore")) {
                    Files.copy(source, target);
                }
            }
        }
    }

    static void edit(Path file, UnaryOperator<String> change) throws IOException {
        Files.writeString(file, change.apply(Files.readString(file)));
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static boolean portOpen(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
