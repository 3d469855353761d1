package dev.jamespipeline.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import javax.mail.internet.MimeMessage;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

/** A private Postfix answering per recipient in one transaction, delivering the accepted ones, and offering STARTTLS. */
class PostfixPeerTest {
    private final SmtpClient client = new SmtpClient();

    @Test
    void oneTransactionGetsEachRecipientItsOwnAnswerAndOnlyTheAcceptedGetTheMail() throws Exception {
        try (PostfixPeer peer = PostfixPeer.builder()
                .accept("alice@mixed.test")
                .accept("erin@mixed.test")
                .reject("bob@mixed.test", "550 5.1.1 <bob@mixed.test>: no such mailbox")
                .reject("carol@mixed.test", "450 4.2.1 <carol@mixed.test>: try later")
                .start()) {
            MimeMessage message = SmtpClient.message("sender@origin.test", "mixed", "for some of you");

            Map<String, Integer> codes = client.send(peer.address(), message,
                "alice@mixed.test", "bob@mixed.test", "carol@mixed.test", "dave@mixed.test", "erin@mixed.test");

            assertThat(codes).containsExactlyEntriesOf(orderedMap(
                "alice@mixed.test", 250, "bob@mixed.test", 550, "carol@mixed.test", 450, "dave@mixed.test", 550, "erin@mixed.test", 250));
            assertThat(text(peer.awaitMessagesFor("alice@mixed.test", 1, Duration.ofSeconds(20)).get(0)))
                .contains("Delivered-To: alice@mixed.test").contains("Subject: mixed");
            peer.awaitMessagesFor("erin@mixed.test", 1, Duration.ofSeconds(20));
            assertThat(peer.messagesFor("bob@mixed.test")).isEmpty();
            assertThat(peer.log()).contains("User unknown in virtual mailbox table");
            assertThat(client.offers(peer.address(), "STARTTLS")).isFalse();
        }
    }

    @Test
    void withACertificateItOffersStartTlsAndTheMailArrivesOverTls() throws Exception {
        TestCertificate certificate = TestCertificate.selfSigned("mx.tls.test");
        try (PostfixPeer peer = PostfixPeer.builder().hostname("mx.tls.test").accept("alice@tls.test").starttls(certificate).start()) {
            assertThat(client.offers(peer.address(), "STARTTLS")).isTrue();

            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(certificate.trustStore());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
            SmtpClient tlsClient = new SmtpClient()
                .with("mail.smtp.starttls.enable", "true")
                .with("mail.smtp.starttls.required", "true")
                .with("mail.smtp.ssl.socketFactory", tls.getSocketFactory());
            assertThat(tlsClient.send(peer.address(), SmtpClient.message("sender@origin.test", "secret", "over TLS"), "alice@tls.test"))
                .containsEntry("alice@tls.test", 250);

            String delivered = text(peer.awaitMessagesFor("alice@tls.test", 1, Duration.ofSeconds(20)).get(0));
            // Postfix notes the TLS session in its Received header.
            assertThat(delivered).containsPattern("by mx\\.tls\\.test \\(Postfix\\) with ESMTPS");
            assertThat(peer.log()).contains("TLS connection established from");
        }
    }

    private static String text(byte[] message) {
        return new String(message, StandardCharsets.UTF_8);
    }

    private static Map<String, Integer> orderedMap(Object... entries) {
        Map<String, Integer> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < entries.length; i += 2) {
            map.put((String) entries[i], (Integer) entries[i + 1]);
        }
        return map;
    }
}
