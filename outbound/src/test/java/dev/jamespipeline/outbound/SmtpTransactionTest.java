package dev.jamespipeline.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.MapConfiguration;
import org.apache.mailet.HostAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.outbound.security.OutboundSecuritySettings;
import dev.jamespipeline.outbound.security.tls.MxTlsSession;
import dev.jamespipeline.outbound.security.tls.OutboundTlsPolicy;
import dev.jamespipeline.outbound.security.tls.TlsOutcome;
import dev.jamespipeline.testing.PostfixPeer;
import dev.jamespipeline.testing.SmtpSinkPeer;
import dev.jamespipeline.testing.SmtpSinkPeer.Behaviour;
import dev.jamespipeline.testing.TestCertificate;

/** One transaction against real peers: Postfix's smtp-sink (answers per command) and a private Postfix (per recipient, STARTTLS). */
class SmtpTransactionTest {
    private static final String MESSAGE = "From: alice@local.example\r\nTo: bob@remote.example\r\nSubject: caf\u00e9\r\n\r\nbody\r\n";
    private static final SmtpTransaction SMTP = new SmtpTransaction(RemoteDeliveryMailetConfig.configuration(
        new OutboundSettings(true, 20, 5, Duration.ZERO, Duration.ofSeconds(30), Duration.ofSeconds(5), 25,
            Optional.of("outbound.test")), null));

    /** No MTA-STS here (so no DNS is asked): required.example needs STARTTLS, everything else is opportunistic. */
    private static final OutboundTlsPolicy TLS = OutboundTlsPolicy.create(OutboundSecuritySettings.from(new MapConfiguration(Map.of(
        OutboundSecuritySettings.MTA_STS, "disabled", OutboundSecuritySettings.REQUIRED_DOMAINS, "required.example")), Path.of(".")), null);

    private AutoCloseable peer;

    @AfterEach
    void stopPeer() throws Exception {
        if (peer != null) {
            peer.close();
        }
    }

    @Test
    void everyRecipientAcceptedIsDeliveredAndTheMessageArrivesAsStored() throws Exception {
        SmtpSinkPeer sink = sink(Behaviour.accepting());

        SmtpTransaction.Attempt attempt = SMTP.send(host(sink), "alice@local.example",
            List.of("bob@remote.example", "carol@remote.example"), message(), opportunistic());

        assertThat(attempt.hostFailure()).isEmpty();
        assertThat(attempt.results()).extracting(RecipientResult::kind)
            .containsExactly(RecipientResult.Kind.DELIVERED, RecipientResult.Kind.DELIVERED);
        assertThat(attempt.results()).extracting(RecipientResult::mx).containsOnly("mx.remote.example");
        assertThat(attempt.tls().orElseThrow().starttlsUsed()).isFalse();
        SmtpSinkPeer.Received received = sink.awaitReceived(1, Duration.ofSeconds(30)).get(0);
        assertThat(received.recipients()).containsExactly("bob@remote.example", "carol@remote.example");
        assertThat(received.mailFrom()).isEqualTo("alice@local.example");
        assertThat(received.text()).contains("Subject: caf\u00e9").contains("body");
    }

    @Test
    void aRefusedRecipientIsPermanentWithTheServersStatus() throws Exception {
        SmtpTransaction.Attempt attempt = SMTP.send(host(sink(Behaviour.accepting().hardReject("RCPT"))), "alice@local.example", List.of("bob@remote.example"),
            message(), opportunistic());

        assertThat(attempt.hostFailure()).isEmpty();
        RecipientResult result = attempt.results().get(0);
        assertThat(result.kind()).isEqualTo(RecipientResult.Kind.PERMFAIL);
        assertThat(result.status()).isEqualTo("5.3.0");
        assertThat(result.diagnostic()).startsWith("smtp; 500 5.3.0");
    }

    @Test
    void aRecipientDeferredWithA4xxIsATemporaryFailureOfThatRecipient() throws Exception {
        SmtpTransaction.Attempt attempt = SMTP.send(host(sink(Behaviour.accepting().softReject("RCPT"))), "", List.of("bob@remote.example"), message(),
            opportunistic());

        assertThat(attempt.hostFailure()).isEmpty();
        assertThat(attempt.results().get(0).kind()).isEqualTo(RecipientResult.Kind.TEMPFAIL);
        assertThat(attempt.results().get(0).status()).isEqualTo("4.3.0");
    }

    @Test
    void aRefusedDataFailsEveryRecipientWithItsReply() throws Exception {
        SmtpTransaction.Attempt attempt = SMTP.send(host(sink(Behaviour.accepting().hardReject("DATA"))), "alice@local.example",
            List.of("bob@remote.example", "carol@remote.example"), message(), opportunistic());

        assertThat(attempt.results()).extracting(RecipientResult::kind).containsOnly(RecipientResult.Kind.PERMFAIL);
    }

    @Test
    void aSenderDeferredWithA4xxMakesTheHostUnusableSoTheNextOneIsTried() throws Exception {
        SmtpTransaction.Attempt attempt = SMTP.send(host(sink(Behaviour.accepting().softReject("MAIL"))), "alice@local.example", List.of("bob@remote.example"),
            message(), opportunistic());

        assertThat(attempt.results()).isEmpty();
        assertThat(attempt.hostFailure()).get().asString().contains("refused the sender");
    }

    @Test
    void aRefusedConnectionIsAHostFailure() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }

        SmtpTransaction.Attempt attempt = SMTP.send(new HostAddress("mx.remote.example", "smtp://127.0.0.1:" + closedPort), "alice@local.example", List.of("bob@remote.example"),
            message(), opportunistic());

        assertThat(attempt.results()).isEmpty();
        assertThat(attempt.hostFailure()).get().asString().contains("connecting to mx.remote.example");
        assertThat(attempt.tls()).as("no greeting: no TLS outcome (a TLS report must not count it)").isEmpty();
    }

    @Test
    void mixedAnswersInOneTransactionAreKeptPerRecipient() throws Exception {
        PostfixPeer postfix = PostfixPeer.builder()
            .accept("bob@remote.example")
            .reject("busy@remote.example", "450 4.2.1 try later")
            .reject("gone@remote.example", "550 5.1.1 no such user")
            .start();
        peer = postfix;

        SmtpTransaction.Attempt attempt = SMTP.send(new HostAddress("mx.remote.example",
                "smtp://" + postfix.address().getHostAddress() + ":" + PostfixPeer.PORT), "alice@local.example",
            List.of("bob@remote.example", "busy@remote.example", "gone@remote.example"), message(), opportunistic());

        assertThat(attempt.results()).extracting(RecipientResult::recipient, RecipientResult::kind, RecipientResult::status)
            .containsExactly(
                org.assertj.core.groups.Tuple.tuple("bob@remote.example", RecipientResult.Kind.DELIVERED, "2.0.0"),
                org.assertj.core.groups.Tuple.tuple("busy@remote.example", RecipientResult.Kind.TEMPFAIL, "4.2.1"),
                org.assertj.core.groups.Tuple.tuple("gone@remote.example", RecipientResult.Kind.PERMFAIL, "5.1.1"));
        assertThat(postfix.awaitMessagesFor("bob@remote.example", 1, Duration.ofSeconds(30))).hasSize(1);
    }

    @Test
    void opportunisticTlsIsUsedWhenOfferedWhateverTheCertificateAndItsVersionIsRecorded() throws Exception {
        PostfixPeer postfix = PostfixPeer.builder()
            .accept("bob@remote.example")
            .starttls(TestCertificate.selfSigned("mx.postfix-peer.test"))
            .start();
        peer = postfix;

        SmtpTransaction.Attempt attempt = SMTP.send(new HostAddress("mx.remote.example",
                "smtp://" + postfix.address().getHostAddress() + ":" + PostfixPeer.PORT), "alice@local.example",
            List.of("bob@remote.example"), message(), opportunistic());

        assertThat(attempt.results()).extracting(RecipientResult::kind).containsExactly(RecipientResult.Kind.DELIVERED);
        assertThat(attempt.tls().orElseThrow().starttlsOffered()).isTrue();
        assertThat(attempt.tls().orElseThrow().starttlsUsed()).isTrue();
        assertThat(attempt.tls().orElseThrow().tlsVersion()).startsWith("TLSv1.");
    }

    /** What a TLS policy asks for (MTA-STS enforce, a require-TLS domain): never sent in clear, nor to an unverified certificate. */
    @Test
    void requiredTlsWithoutStarttlsOrWithAnUntrustedCertificateMakesTheHostUnusable() throws Exception {
        // required.example is in outbound.tls.required.domains; the certificate is verified (the default)
        SmtpSinkPeer clear = sink(Behaviour.accepting());

        SmtpTransaction.Attempt inClear = SMTP.send(host(clear), "alice@local.example", List.of("bob@remote.example"),
            message(), required("mx.remote.example"));

        assertThat(inClear.results()).isEmpty();
        assertThat(inClear.hostFailure()).get().asString().contains("STARTTLS").contains("refused by the TLS policy");
        assertThat(inClear.tls().orElseThrow().result()).isEqualTo(TlsOutcome.Result.STARTTLS_NOT_SUPPORTED);
        assertThat(clear.received()).isEmpty();
        clear.close();
        PostfixPeer selfSigned = PostfixPeer.builder()
            .accept("bob@remote.example")
            .starttls(TestCertificate.selfSigned("mx.postfix-peer.test"))
            .start();
        peer = selfSigned;

        SmtpTransaction.Attempt untrusted = SMTP.send(new HostAddress("mx.postfix-peer.test",
                "smtp://" + selfSigned.address().getHostAddress() + ":" + PostfixPeer.PORT), "alice@local.example",
            List.of("bob@remote.example"), message(), required("mx.postfix-peer.test"));

        assertThat(untrusted.results()).isEmpty();
        assertThat(untrusted.hostFailure()).get().asString().contains("TLS");
        assertThat(untrusted.tls().orElseThrow().starttlsOffered()).isTrue();
        assertThat(selfSigned.messagesFor("bob@remote.example")).isEmpty();
    }

    private static MxTlsSession opportunistic() {
        return TLS.sessionFor(TLS.requirementFor("remote.example", "mx.remote.example"));
    }

    private static MxTlsSession required(String mx) {
        return TLS.sessionFor(TLS.requirementFor("required.example", mx));
    }

    private SmtpSinkPeer sink(Behaviour behaviour) {
        SmtpSinkPeer sink = SmtpSinkPeer.start(behaviour);
        peer = sink;
        return sink;
    }

    private static HostAddress host(SmtpSinkPeer sink) {
        return new HostAddress("mx.remote.example", "smtp://" + sink.address().getHostAddress() + ":" + SmtpSinkPeer.PORT);
    }

    private static MimeMessage message() throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()),
            new ByteArrayInputStream(MESSAGE.getBytes(StandardCharsets.UTF_8)));
    }
}
