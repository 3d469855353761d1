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
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product as an operator runs it: the assembled distribution in its own JVM, with our code
 * only in extensions-jars/ (James's parent-first loader), configured through WebAdmin, used
 * through SMTP and IMAP.
 */
class DistributionIT {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    @TempDir
    static Path workDir;
    static Process james;
    static Path log;
    static int smtp;
    static int imap;
    static int webAdmin;
    static String prefix;

    @BeforeAll
    static void startDistribution() throws Exception {
        Path home = Path.of(System.getProperty("pipeline.james.home")).toAbsolutePath().normalize();
        assertThat(home.resolve("extensions-jars/james-rabbitmq-pipeline.jar")).exists();
        copyTree(home.resolve("conf"), workDir.resolve("conf"));
        copyTree(home.resolve("extensions-jars"), workDir.resolve("extensions-jars"));
        smtp = freePort();
        imap = freePort();
        webAdmin = freePort();
        prefix = "dist-it-" + UUID.randomUUID().toString().substring(0, 8) + ".";
        int submission = freePort();
        int jmx = freePort();
        edit(workDir.resolve("conf/smtpserver.xml"), text -> text
            .replace("0.0.0.0:2525", "127.0.0.1:" + smtp).replace("0.0.0.0:5870", "127.0.0.1:" + submission));
        edit(workDir.resolve("conf/imapserver.xml"), text -> text.replace("0.0.0.0:1143", "127.0.0.1:" + imap));
        edit(workDir.resolve("conf/webadmin.properties"), text -> text.replace("port=8000", "port=" + webAdmin));
        edit(workDir.resolve("conf/jmx.properties"), text -> text.replace("jmx.port=9999", "jmx.port=" + jmx));
        edit(workDir.resolve("conf/pipeline.properties"), text -> text
            .replaceAll("(?m)^amqp\\.uri=.*$", "amqp.uri=" + RabbitMQEndpoint.amqpUri())
            .replaceAll("(?m)^topology\\.name\\.prefix=.*$", "topology.name.prefix=" + prefix));
        PipelineJames.generateKeystore(workDir.resolve("conf/keystore"));

        log = workDir.resolve("james.log");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        james = new ProcessBuilder(java.toString(),
            "-Dworking.directory=" + workDir,
            "-Dlogback.configurationFile=" + workDir.resolve("conf/logback.xml"),
            "-Dextra.props=" + workDir.resolve("conf/jvm.properties"),
            "-cp", home.resolve("james-server-memory-app.jar") + ":" + home.resolve("james-server-memory-app.lib") + "/*",
            "org.apache.james.MemoryJamesServerMain")
            .directory(workDir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
        await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!james.isAlive()) {
                throw new AssertionError("James exited during start-up:\n" + Files.readString(log));
            }
            return Files.readString(log).contains("JAMES server started") && portOpen(smtp);
        });
    }

    @AfterAll
    static void stopDistribution() throws Exception {
        if (james != null) {
            james.destroy();
            james.waitFor();
        }
        org.apache.commons.configuration2.BaseConfiguration settings = new org.apache.commons.configuration2.BaseConfiguration();
        settings.addProperty(dev.jamespipeline.core.PipelineConfiguration.NAME_PREFIX, prefix);
        TopologyCleanup.delete(RabbitMQEndpoint.amqpUri(), dev.jamespipeline.core.PipelineConfiguration.from(settings));
    }

    @Test
    void theExtensionJarIsLoadedFromExtensionsJarsAndMailFlowsFromSmtpToImap() throws Exception {
        assertThat(Files.readString(log)).contains("Loading custom classpath resource")
            .contains("extensions-jars/james-rabbitmq-pipeline.jar");
        webAdminPut("/domains/dist.test", "");
        webAdminPut("/users/bob@dist.test", "{\"password\":\"secret\"}");

        SmtpReply reply = new SmtpSender(smtp).send("alice@dist.test", "packaged", "through the distribution", "bob@dist.test");

        assertThat(reply.code()).isEqualTo(250);
        ImapReader reader = new ImapReader(imap);
        await().atMost(Duration.ofSeconds(30)).until(() -> reader.inboxCount("bob@dist.test", "secret") == 1);
        List<String> inbox = reader.inboxMessages("bob@dist.test", "secret");
        assertThat(inbox.get(0)).contains("through the distribution").contains(reply.pipelineId());
    }

    private static void webAdminPut(String path, String json) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + webAdmin + path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
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

    private static void edit(Path file, java.util.function.UnaryOperator<String> change) throws IOException {
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
