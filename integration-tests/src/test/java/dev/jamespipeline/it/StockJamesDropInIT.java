package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamespipeline.core.PipelineConfiguration;

/**
 * The README's "Adding the pipeline to an existing James 3.8.1", step by step, on James's own zip from
 * Maven Central: its sample configuration, its main class, the extension jar dropped into extensions-jars/.
 */
class StockJamesDropInIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path workDir;

    @Test
    void theExtensionJarAndTheMergedSamplesTurnStockJamesIntoThePipeline() throws Exception {
        Path james = unzip(Path.of(System.getProperty("pipeline.stock.james.zip")), workDir).resolve("james-server-memory-app");
        Path conf = james.resolve("conf");

        // Step 1: the extension jar.
        Files.copy(Path.of(System.getProperty("pipeline.extension.jar")), james.resolve("extensions-jars/james-rabbitmq-pipeline.jar"));
        // Step 2: the configuration, merged as the README says.
        ConfSamples.appendProperties(conf.resolve("extensions.properties"), "guice-modules");
        ConfSamples.replace(conf.resolve("smtpserver.xml"), "<handler class=\"org.apache.james.smtpserver.CoreCmdHandlerLoader\"/>",
            "smtp-ingest", 3);
        ConfSamples.replace(conf.resolve("mailetcontainer.xml"),
            "<mailet match=\"All\" class=\"ToProcessor\">\\s*<processor>transport</processor>\\s*</mailet>", "mailets", 1);
        ConfSamples.insertBefore(conf.resolve("mailetcontainer.xml"), "</processors>", "stages");
        ConfSamples.insertBefore(conf.resolve("mailetcontainer.xml"), "</processors>", "security");
        ConfSamples.insertBefore(conf.resolve("listeners.xml"), "</listeners>", "listeners");
        ConfSamples.appendProperties(conf.resolve("healthcheck.properties"), "ops");
        ConfSamples.appendProperties(conf.resolve("webadmin.properties"), "ops");
        ConfSamples.insertBefore(conf.resolve("logback.xml"), "</configuration>", "pipeline-core");
        ConfSamples.appendProperties(conf.resolve("pipeline.properties"), "pipeline-core");
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        DistributionProcess.edit(conf.resolve("pipeline.properties"),
            text -> text + PipelineConfiguration.SIGNING_KEYS + "=k1:" + Base64.getEncoder().encodeToString(key) + "\n");

        // Step 3: start it as before, with the libraries its manifest names (resolved from Maven Central by the
        // distribution module). The test moves every listener to a free port on 127.0.0.1.
        try (DistributionProcess started = DistributionProcess.launch(james, StockJamesDropInIT::bindToFreePorts,
                "org.apache.james.MemoryJamesServerMain", james.resolve("james-server-memory-app.jar"),
                DistributionProcess.distributionHome().resolve("james-server-memory-app.lib/*"))) {
            // Step 4: what the README says to check.
            assertThat(started.log()).contains("Loading custom classpath resource")
                .contains("extensions-jars/james-rabbitmq-pipeline.jar")
                .contains("james-pipeline-stages: consumer")
                .contains("on " + started.queuePrefix() + "pipeline.stage.route");
            // The check reads the state sampler's snapshot, taken every sampler.interval.ms (2 s).
            await().atMost(WAIT).untilAsserted(() ->
                assertThat(started.webAdminGet("/healthcheck/checks/RabbitMQPipeline").body()).contains("\"status\":\"healthy\""));
            try (BrokerTap broker = new BrokerTap(RabbitMQEndpoint.amqpUri())) {
                assertThat(broker.consumerCount(started.queuePrefix() + "pipeline.stage.route")).isPositive();
            }
            started.addUser("stock.test", "bob@stock.test");

            SmtpReply reply = new SmtpSender(started.smtp).send("alice@stock.test", "dropped in", "through stock James",
                "bob@stock.test");

            assertThat(reply.code()).isEqualTo(250);
            assertThat(reply.text()).as("accepted by the pipeline's hook").contains("queued as ");
            ImapReader reader = new ImapReader(started.imap);
            await().atMost(WAIT).until(() -> reader.inboxCount("bob@stock.test", "secret") == 1);
            List<String> inbox = reader.inboxMessages("bob@stock.test", "secret");
            assertThat(inbox.get(0)).contains("through stock James").contains(reply.pipelineId());
        }
    }

    /** James's sample listens on privileged ports (SMTP 25/465/587, IMAP 143/993, JMAP 80), WebAdmin 8000 and JMX 9999. */
    private static String bindToFreePorts(Path conf, DistributionProcess.Ports ports) throws IOException {
        int smtps = DistributionProcess.freePort();
        int submission = DistributionProcess.freePort();
        int imaps = DistributionProcess.freePort();
        int jmap = DistributionProcess.freePort();
        int jmx = DistributionProcess.freePort();
        DistributionProcess.edit(conf.resolve("smtpserver.xml"), text -> text
            .replace("<bind>0.0.0.0:25</bind>", "<bind>127.0.0.1:" + ports.smtp() + "</bind>")
            .replace("<bind>0.0.0.0:465</bind>", "<bind>127.0.0.1:" + smtps + "</bind>")
            .replace("<bind>0.0.0.0:587</bind>", "<bind>127.0.0.1:" + submission + "</bind>"));
        // The test's IMAP client logs in without TLS, which James's sample refuses on port 143.
        DistributionProcess.edit(conf.resolve("imapserver.xml"), text -> PipelineJames.allowPlainImapLogin(text
            .replace("<bind>0.0.0.0:143</bind>", "<bind>127.0.0.1:" + ports.imap() + "</bind>")
            .replace("<bind>0.0.0.0:993</bind>", "<bind>127.0.0.1:" + imaps + "</bind>")));
        DistributionProcess.edit(conf.resolve("jmap.properties"), text -> text + "\njmap.port=" + jmap + "\n");
        DistributionProcess.edit(conf.resolve("webadmin.properties"), text -> text.replace("port=8000", "port=" + ports.webAdmin()));
        DistributionProcess.edit(conf.resolve("jmx.properties"), text -> text.replace("jmx.port=9999", "jmx.port=" + jmx));
        // James's sample logs to /logs/james.log and buffers the console, which the test reads to see James started.
        DistributionProcess.edit(conf.resolve("logback.xml"), text -> text.replace("/logs/james", conf.getParent() + "/logs/james")
            .replace("<immediateFlush>false</immediateFlush>", "<immediateFlush>true</immediateFlush>"));
        // James's sample WebAdmin asks for no token.
        return null;
    }

    private static Path unzip(Path zip, Path into) throws IOException {
        try (InputStream file = Files.newInputStream(zip); ZipInputStream entries = new ZipInputStream(file)) {
            for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                Path target = into.resolve(entry.getName()).normalize();
                if (!target.startsWith(into)) {
                    throw new IOException("zip entry outside its folder: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else {
                    Files.createDirectories(target.getParent());
                    Files.copy(entries, target);
                }
            }
        }
        return into;
    }
}
