package dev.jamespipeline.testing;

import static dev.jamespipeline.testing.SmtpSinkPeer.Behaviour.accepting;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.mail.internet.MimeMessage;

import org.junit.jupiter.api.Test;

/** smtp-sink answering what each behaviour says, to JavaMail's SMTP client, and the mail it saved. */
class SmtpSinkPeerTest {
    private final SmtpClient client = new SmtpClient();

    @Test
    void anAcceptingSinkSavesTheEnvelopeAndTheMessage() throws Exception {
        try (SmtpSinkPeer sink = SmtpSinkPeer.start(accepting())) {
            MimeMessage message = SmtpClient.message("alice@sender.test", "hello", "line one\r\n.line starting with a dot\r\n");

            assertThat(client.send(sink.address(), message, "bob@a.test", "carol@a.test"))
                .isEqualTo(Map.of("bob@a.test", 250, "carol@a.test", 250));

            SmtpSinkPeer.Received received = sink.awaitReceived(1, Duration.ofSeconds(10)).get(0);
            assertThat(received.helo()).isEqualTo("client.test");
            assertThat(received.mailFrom()).isEqualTo("alice@sender.test");
            assertThat(received.recipients()).containsExactly("bob@a.test", "carol@a.test");
            assertThat(received.text()).contains("Subject: hello\n").endsWith("\nline one\n.line starting with a dot\n");
        }
    }

    @Test
    void softAndHardRejectsAnswerTheNamedCommandWithTheConfiguredReply() throws Exception {
        MimeMessage message = SmtpClient.message("alice@sender.test", "refused", "body");
        try (SmtpSinkPeer sink = SmtpSinkPeer.start(accepting().softReject("RCPT").softReply("451 4.3.0 try again later"))) {
            assertThat(client.send(sink.address(), message, "bob@a.test")).containsExactlyEntriesOf(Map.of("bob@a.test", 451));

            sink.restart(accepting().hardReject("RCPT"));
            assertThat(client.send(sink.address(), message, "bob@a.test")).containsExactlyEntriesOf(Map.of("bob@a.test", 500));

            sink.restart(accepting().hardReject("DATA").hardReply("554 5.7.1 not here"));
            assertThat(client.send(sink.address(), message, "bob@a.test")).containsExactlyEntriesOf(Map.of("bob@a.test", 554));

            sink.restart(accepting().softReject("."));
            assertThat(client.send(sink.address(), message, "bob@a.test")).containsExactlyEntriesOf(Map.of("bob@a.test", 450));

            assertThat(sink.received()).as("no behaviour above accepted mail").isEmpty();
        }
    }

    @Test
    void tempfailTwiceThenAccept() throws Exception {
        MimeMessage message = SmtpClient.message("alice@sender.test", "third time", "body");
        try (SmtpSinkPeer sink = SmtpSinkPeer.start(accepting().softReject("RCPT").forSessions(2), accepting())) {
            assertThat(client.send(sink.address(), message, "bob@a.test")).containsEntry("bob@a.test", 450);
            assertThat(client.send(sink.address(), message, "bob@a.test")).containsEntry("bob@a.test", 450);
            awaitBehaviour(sink, 1);
            assertThat(client.send(sink.address(), message, "bob@a.test")).containsEntry("bob@a.test", 250);

            List<SmtpSinkPeer.Received> received = sink.awaitReceived(1, Duration.ofSeconds(10));
            assertThat(received).hasSize(1);
            assertThat(received.get(0).text()).contains("Subject: third time");
            assertThat(sink.connections()).hasSize(3);
        }
    }

    private static void awaitBehaviour(SmtpSinkPeer sink, int index) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (sink.behaviourIndex() != index) {
            assertThat(System.nanoTime()).as("smtp-sink never switched to behaviour " + index).isLessThan(deadline);
            Thread.sleep(10);
        }
    }
}
