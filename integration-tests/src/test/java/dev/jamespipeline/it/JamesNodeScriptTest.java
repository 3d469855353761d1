package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/james-node.sh, as {@code ./run.sh --node N} uses it on the shipped configuration. */
class JamesNodeScriptTest {
    @TempDir
    Path temp;

    @Test
    void nodeTwoGetsEveryPortShiftedByOneHundredTheSharedStoreAndTheRabbitMQEventBus() throws Exception {
        Path dist = distributionConf("amqp://james-pipeline:s3cret@127.0.0.1:5672/james-pipeline");
        Path nodeDir = temp.resolve("nodes/2");

        prepare(dist, nodeDir, 2);

        Path conf = nodeDir.resolve("conf");
        assertThat(Files.readString(conf.resolve("smtpserver.xml")))
            .contains("<bind>0.0.0.0:2625</bind>", "<bind>0.0.0.0:5970</bind>").doesNotContain(":2525<", ":5870<");
        assertThat(Files.readString(conf.resolve("imapserver.xml"))).contains("<bind>0.0.0.0:1243</bind>");
        assertThat(Files.readString(conf.resolve("pop3server.xml"))).contains("<bind>0.0.0.0:210</bind>");
        assertThat(Files.readString(conf.resolve("managesieveserver.xml"))).contains("<bind>0.0.0.0:4290</bind>");
        assertThat(properties(conf.resolve("webadmin.properties")).getProperty("port")).isEqualTo("8100");
        assertThat(properties(conf.resolve("jmx.properties")).getProperty("jmx.port")).isEqualTo("10099");
        Properties pipeline = properties(conf.resolve("pipeline.properties"));
        assertThat(pipeline.getProperty("store.root")).isEqualTo("/shared/pipeline-store");
        assertThat(pipeline.getProperty("mailbox.event.bus")).isEqualTo("rabbitmq");
        assertThat(pipeline.getProperty("amqp.uri")).isEqualTo("amqp://james-pipeline:s3cret@127.0.0.1:5672/james-pipeline");
        Properties rabbitmq = properties(conf.resolve("rabbitmq.properties"));
        assertThat(rabbitmq.getProperty("uri")).isEqualTo("amqp://james-pipeline:s3cret@127.0.0.1:5672/james-pipeline");
        assertThat(rabbitmq.getProperty("management.uri")).isEqualTo("http://127.0.0.1:15672");
        assertThat(rabbitmq.getProperty("management.user")).isEqualTo("james-pipeline");
        assertThat(rabbitmq.getProperty("management.password")).isEqualTo("s3cret");
    }

    @Test
    void nodeOneKeepsThePortsAndARestartKeepsTheNodesOwnKeysButNotItsEditedFiles() throws Exception {
        Path dist = distributionConf("amqp://guest:guest@127.0.0.1:5672/%2F");
        Files.writeString(dist.resolve("keystore"), "distribution's");
        Path nodeDir = temp.resolve("nodes/1");
        Files.createDirectories(nodeDir.resolve("conf"));
        Files.writeString(nodeDir.resolve("conf/keystore"), "node's own");

        prepare(dist, nodeDir, 1);
        prepare(dist, nodeDir, 1);

        Path conf = nodeDir.resolve("conf");
        assertThat(Files.readString(conf.resolve("keystore"))).isEqualTo("node's own");
        assertThat(Files.readString(conf.resolve("smtpserver.xml"))).contains("<bind>0.0.0.0:2525</bind>");
        assertThat(properties(conf.resolve("webadmin.properties")).getProperty("port")).isEqualTo("8000");
        String pipeline = Files.readString(conf.resolve("pipeline.properties"));
        assertThat(pipeline.lines().filter(line -> line.startsWith("mailbox.event.bus="))).containsExactly("mailbox.event.bus=rabbitmq");
    }

    @Test
    void anOperatorsRabbitmqPropertiesIsKept() throws Exception {
        Path dist = distributionConf("amqp://guest:guest@127.0.0.1:5672/%2F");
        Files.writeString(dist.resolve("rabbitmq.properties"), "uri=amqp://events@broker.example:5672/events\n");

        prepare(dist, temp.resolve("nodes/3"), 3);

        assertThat(Files.readString(temp.resolve("nodes/3/conf/rabbitmq.properties")))
            .isEqualTo("uri=amqp://events@broker.example:5672/events\n");
    }

    private Path distributionConf(String amqpUri) throws Exception {
        Path dist = temp.resolve("dist-conf");
        Files.createDirectories(dist);
        Path shipped = Path.of(System.getProperty("pipeline.james.conf.dir"));
        try (Stream<Path> files = Files.list(shipped)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Files.copy(file, dist.resolve(file.getFileName()));
            }
        }
        Path pipeline = dist.resolve("pipeline.properties");
        Files.writeString(pipeline, Files.readString(pipeline).replaceAll("(?m)^amqp\\.uri=.*$", "amqp.uri=" + amqpUri));
        return dist;
    }

    private static void prepare(Path distConf, Path nodeDir, int node) throws Exception {
        Path script = ConfSamples.projectDir().resolve("scripts/james-node.sh");
        Process process = new ProcessBuilder("bash", "-c",
            ". \"$0\" && prepare_node_conf \"$1\" \"$2\" \"$3\" /shared/pipeline-store",
            script.toString(), distConf.toString(), nodeDir.toString(), Integer.toString(node))
            .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static Properties properties(Path file) throws Exception {
        return ConfSamples.properties(Files.readString(file));
    }
}
