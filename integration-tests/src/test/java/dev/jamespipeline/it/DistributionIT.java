package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The product as an operator runs it: the assembled distribution in its own JVM, configured
 * through WebAdmin, used through SMTP and IMAP, in both ways it can be started.
 */
class DistributionIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path workDir;

    @Test
    void stockJamesLoadsTheExtensionJarFromExtensionsJarsAndMailFlowsFromSmtpToImap() throws Exception {
        try (DistributionProcess james = DistributionProcess.start(workDir, "org.apache.james.MemoryJamesServerMain",
                "james-server-memory-app.jar", "james-server-memory-app.lib/*")) {
            assertThat(james.log()).contains("Loading custom classpath resource")
                .contains("extensions-jars/james-rabbitmq-pipeline.jar");
            james.addUser("dist.test", "bob@dist.test");

            SmtpReply reply = new SmtpSender(james.smtp).send("alice@dist.test", "packaged", "through the distribution",
                "bob@dist.test");

            assertThat(reply.code()).isEqualTo(250);
            ImapReader reader = new ImapReader(james.imap);
            await().atMost(WAIT).until(() -> reader.inboxCount("bob@dist.test", "secret") == 1);
            List<String> inbox = reader.inboxMessages("bob@dist.test", "secret");
            assertThat(inbox.get(0)).contains("through the distribution").contains(reply.pipelineId());
        }
    }

    /** As run.sh starts it: the server jar next to James's libraries, Tika and the OpenSearch client relocated inside. */
    @Test
    void theServerMainIndexesAMessageWithAPdfAndAnswersImapSearchFromTheIndex() throws Exception {
        try (DistributionProcess james = DistributionProcess.start(workDir, "dev.jamespipeline.server.PipelineJamesServerMain",
                "james-server-memory-app.jar", "james-server-memory-app.lib/*", "pipeline-lib/*")) {
            james.addUser("dist.test", "bob@dist.test");
            String message = TestMessages.withAttachments("alice@dist.test", "bob@dist.test", "packaged search",
                "see attachment", TestMessages.pdf("notes.pdf", "distributionpdfword"));

            assertThat(new SmtpSender(james.smtp).sendRaw("alice@dist.test", message, "bob@dist.test").code()).isEqualTo(250);

            ImapReader reader = new ImapReader(james.imap);
            // The document is written only once Tika (relocated in the jar) has read the PDF.
            await().atMost(WAIT).until(() -> reader.uidSearch("bob@dist.test", "secret", "TEXT \"ackaged sea\"").size() == 1);
        }
    }
}
