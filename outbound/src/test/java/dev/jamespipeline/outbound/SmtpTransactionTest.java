package dev.jamespipeline.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.mailet.HostAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One transaction against Postfix's smtp-sink (a real SMTP server answering per command). */
class SmtpTransactionTest {
    private static final String MESSAGE = "From: alice@local.example\r\nTo: bob@remote.example\r\nSubject: caf\u00e9\r\n\r\nbody\r\n";
    private static final SmtpTransaction SMTP = new SmtpTransaction(RemoteDeliveryMailetConfig.configuration(
        new OutboundSettings(true, 20, 5, Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(5), 25,
            Optional.of("outbound.test")), null));

    @TempDir
    Path dumps;
    private Process sink;

    @AfterEach
    void stopSink() {
        if (sink != null) {
            sink.destroy();
        }
    }

    @Test
    void everyRecipientAcceptedIsDeliveredAndTheMessageArrivesAsStored() throws Exception {
        int port = startSink();

        SmtpTransaction.Attempt attempt = SMTP.send(host(port), "alice@local.example",
            List.of("bob@remote.example", "carol@remote.example"), message(), TlsRequirement.OPPORTUNISTIC);

        assertThat(attempt.hostFailure()).isEmpty();
        assertThat(attempt.results()).extracting(RecipientResult::kind)
            .containsExactly(RecipientResult.Kind.DELIVERED, RecipientResult.Kind.DELIVERED);
        assertThat(attempt.results()).extracting(RecipientResult::mx).containsOnly("mx.remote.example");
        assertThat(attempt.tls().used()).isFalse();
        String dumped = onlyDump();
        assertThat(dumped).contains("X-Rcpt-Args: <bob@remote.example>").contains("X-Rcpt-Args: <carol@remote.example>")
            .contains("Subject: caf\u00e9\n\nbody\n");
    }

    @Test
    void aRefusedRecipientIsPermanentWithTheServersStatus() throws Exception {
        int port = startSink("-f", "RCPT");

        SmtpTransaction.Attempt attempt = SMTP.send(host(port), "alice@local.example", List.of("bob@remote.example"),
            message(), TlsRequirement.OPPORTUNISTIC);

        assertThat(attempt.hostFailure()).isEmpty();
        RecipientResult result = attempt.results().get(0);
        assertThat(result.kind()).isEqualTo(RecipientResult.Kind.PERMFAIL);
        assertThat(result.status()).isEqualTo("5.3.0");
        assertThat(result.diagnostic()).startsWith("smtp; 500 5.3.0");
    }

    @Test
    void aRecipientDeferredWithA4xxIsATemporaryFailureOfThatRecipient() throws Exception {
        int port = startSink("-r", "RCPT");

        SmtpTransaction.Attempt attempt = SMTP.send(host(port), "", List.of("bob@remote.example"), message(),
            TlsRequirement.OPPORTUNISTIC);

        assertThat(attempt.hostFailure()).isEmpty();
        assertThat(attempt.results().get(0).kind()).isEqualTo(RecipientResult.Kind.TEMPFAIL);
        assertThat(attempt.results().get(0).status()).isEqualTo("4.3.0");
    }

    @Test
    void aRefusedDataFailsEveryRecipientWithItsReply() throws Exception {
        int port = startSink("-f", "DATA");

        SmtpTransaction.Attempt attempt = SMTP.send(host(port), "alice@local.example",
            List.of("bob@remote.example", "carol@remote.example"), message(), TlsRequirement.OPPORTUNISTIC);

        assertThat(attempt.results()).extracting(RecipientResult::kind).containsOnly(RecipientResult.Kind.PERMFAIL);
    }

    @Test
    void aSenderDeferredWithA4xxMakesTheHostUnusableSoTheNextOneIsTried() throws Exception {
        int port = startSink("-r", "MAIL");

        SmtpTransaction.Attempt attempt = SMTP.send(host(port), "alice@local.example", List.of("bob@remote.example"),
            message(), TlsRequirement.OPPORTUNISTIC);

        assertThat(attempt.results()).isEmpty();
        assertThat(attempt.hostFailure()).get().asString().contains("refused the sender");
    }

    @Test
    void aRefusedConnectionIsAHostFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        SmtpTransaction.Attempt attempt = SMTP.send(host(closedPort), "alice@local.example", List.of("bob@remote.example"),
            message(), TlsRequirement.OPPORTUNISTIC);

        assertThat(attempt.results()).isEmpty();
        assertThat(attempt.hostFailure()).get().asString().contains("connecting to mx.remote.example");
        assertThat(attempt.tls().offered()).isFalse();
    }

    private static HostAddress host(int port) {
        return new HostAddress("mx.remote.example", "smtp://127.0.0.1:" + port);
    }

    private static MimeMessage message() throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.UTF_8)));
    }

    private String onlyDump() throws IOException {
        try (Stream<Path> files = Files.list(dumps)) {
            List<Path> all = files.toList();
            assertThat(all).hasSize(1);
            return Files.readString(all.get(0), StandardCharsets.UTF_8);
        }
    }

    /** smtp-sink on a free loopback port, dumping each transaction into {@link #dumps}; returns once it answers. */
    private int startSink(String... options) throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // smtp-sink writes as nobody: the dump directory must be open to it.
        Files.setPosixFilePermissions(dumps, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> command = new java.util.ArrayList<>(List.of("/usr/sbin/smtp-sink", "-u", "nobody", "-d", dumps + "/m."));
        command.addAll(List.of(options));
        command.addAll(List.of("127.0.0.1:" + port, "10"));
        sink = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        while (true) {
            try (java.net.Socket probe = new java.net.Socket("127.0.0.1", port)) {
                return port;
            } catch (IOException notYet) {
                if (!sink.isAlive()) {
                    throw new IllegalStateException("smtp-sink exited with " + sink.exitValue());
                }
                Thread.sleep(20);
            }
        }
    }
}
