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
import java.util.stream.Stream;

import org.apache.commons.configuration2.BaseConfiguration;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.search.indexer.SearchConfiguration;

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

    private DistributionProcess(Process james, Path log, String prefix, String indexName, int smtp, int imap, int webAdmin,
                                String webAdminToken) {
        this.james = james;
        this.log = log;
        this.prefix = prefix;
        this.indexName = indexName;
        this.smtp = smtp;
        this.imap = imap;
        this.webAdmin = webAdmin;
        this.webAdminToken = webAdminToken;
    }

    /**
     * @param mainClass  James's or ours
     * @param classPath  entries relative to the distribution's home, as the run script lists them
     */
    static DistributionProcess start(Path workDir, String mainClass, String... classPath) throws Exception {
        Path home = Path.of(System.getProperty("pipeline.james.home")).toAbsolutePath().normalize();
        copyTree(home.resolve("conf"), workDir.resolve("conf"));
        copyTree(home.resolve("extensions-jars"), workDir.resolve("extensions-jars"));
        int smtp = freePort();
        int imap = freePort();
        int webAdmin = freePort();
        int submission = freePort();
        int jmx = freePort();
        String testId = "dist-it-" + UUID.randomUUID().toString().substring(0, 8);
        edit(workDir.resolve("conf/smtpserver.xml"), text -> text
            .replace("0.0.0.0:2525", "127.0.0.1:" + smtp).replace("0.0.0.0:5870", "127.0.0.1:" + submission));
        edit(workDir.resolve("conf/imapserver.xml"), text -> PipelineJames.allowPlainImapLogin(
            text.replace("0.0.0.0:1143", "127.0.0.1:" + imap)));
        edit(workDir.resolve("conf/webadmin.properties"), text -> text.replace("port=8000", "port=" + webAdmin));
        edit(workDir.resolve("conf/jmx.properties"), text -> text.replace("jmx.port=9999", "jmx.port=" + jmx));
        edit(workDir.resolve("conf/pipeline.properties"), text -> text
            .replaceAll("(?m)^amqp\\.uri=.*$", "amqp.uri=" + RabbitMQEndpoint.amqpUri())
            .replaceAll("(?m)^topology\\.name\\.prefix=.*$", "topology.name.prefix=" + testId + ".")
            .replaceAll("(?m)^search\\.opensearch\\.url=.*$", "search.opensearch.url=" + OpenSearchEndpoint.uri())
            .replaceAll("(?m)^search\\.index\\.name=.*$", "search.index.name=" + testId + "-mail")
            + "\n" + PipelineConfiguration.SIGNING_KEYS + "=" + PipelineJames.TEST_SIGNING_KEYS + "\n");
        PipelineJames.generateKeystore(workDir.resolve("conf/keystore"));
        String webAdminToken = WebAdminToken.create(workDir.resolve("conf"));

        Path log = workDir.resolve("james.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        StringBuilder path = new StringBuilder();
        for (String entry : classPath) {
            path.append(path.length() == 0 ? "" : ":").append(home.resolve(entry));
        }
        Process james = new ProcessBuilder(java.toString(),
            "-Dworking.directory=" + workDir,
            "-Dlogback.configurationFile=" + workDir.resolve("conf/logback.xml"),
            "-Dextra.props=" + workDir.resolve("conf/jvm.properties"),
            "-cp", path.toString(), mainClass)
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        DistributionProcess started = new DistributionProcess(james, log, testId + ".", testId + "-mail", smtp, imap, webAdmin,
            webAdminToken);
        await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!james.isAlive()) {
                throw new AssertionError("James exited during start-up:\n" + Files.readString(log));
            }
            return started.log().contains("JAMES server started") && portOpen(smtp);
        });
        return started;
    }

    String log() throws IOException {
        return Files.readString(log);
    }

    /** Adds a domain and a user with password "secret" through WebAdmin. */
    void addUser(String domain, String user) throws Exception {
        webAdminPut("/domains/" + domain, "");
        webAdminPut("/users/" + user, "{\"password\":\"secret\"}");
    }

    private void webAdminPut(String path, String json) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + webAdmin + path))
                .header("Content-Type", "application/json")
                .header("Authorization", WebAdminToken.bearer(webAdminToken))
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }

    @Override
    public void close() throws Exception {
        james.destroy();
        james.waitFor();
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

    private static void edit(Path file, UnaryOperator<String> change) throws IOException {
        Files.writeString(file, change.apply(Files.readString(file)));
    }

    private static int freePort() throws IOException {
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
