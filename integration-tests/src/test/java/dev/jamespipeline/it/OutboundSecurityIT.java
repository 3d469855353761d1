package dev.jamespipeline.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Properties;

import javax.mail.Session;
import javax.mail.internet.MimeMessage;

import org.apache.james.jdkim.api.SignatureRecord;
import org.apache.james.jdkim.impl.DNSPublicKeyRecordRetriever;
import org.apache.james.jdkim.impl.MultiplexingPublicKeyRecordRetriever;
import org.apache.james.jdkim.mailets.DKIMVerifier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.SimpleResolver;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.GetResponse;

import dev.jamespipeline.core.envelope.SmtpDeliveryResult;
import dev.jamespipeline.testing.PolicyHost;
import dev.jamespipeline.testing.PostfixPeer;
import dev.jamespipeline.testing.SmtpSinkPeer;
import dev.jamespipeline.testing.SmtpSinkPeer.Behaviour;
import dev.jamespipeline.testing.TestCertificate;
import dev.jamespipeline.testing.TestDns;
import dev.jamespipeline.testing.TrustStoreFile;

/**
 * The outbound worker with its TLS policy and DKIM signer as James runs it by default: MTA-STS from a real DNS
 * server and a real HTTPS policy host, a DKIM key of {@code example.test} configured, smtp-sink (no STARTTLS)
 * and a private Postfix (STARTTLS) as remote servers.
 */
class OutboundSecurityIT {
    private static final String DOMAIN = PipelineJamesExtension.DOMAIN;
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules();

    private static final Path FILES = temporaryDirectory();
    private static final KeyPair DKIM_KEY = rsaKeyPair();
    /** Offers no STARTTLS: the MX of a domain whose MTA-STS policy is enforce. */
    private static final SmtpSinkPeer CLEAR = SmtpSinkPeer.start(Behaviour.accepting());
    private static final PostfixPeer STARTTLS = PostfixPeer.builder()
        .hostname("mx.tls.test")
        .starttls(TestCertificate.selfSigned("mx.tls.test"))
        .accept("bob@tls.test")
        .accept("carol@tls.test")
        .start();
    private static final PolicyHost POLICY_HOST = policyHost();
    private static final TestDns DNS = TestDns.builder()
        .txt("_mta-sts.sts.test", "v=STSv1; id=20261206;")
        .host("mta-sts.sts.test", POLICY_HOST.address().getHostAddress())
        .mx("sts.test", 10, "mx.sts.test")
        .host("mx.sts.test", CLEAR.address().getHostAddress())
        .mx("tls.test", 10, "mx.tls.test")
        .host("mx.tls.test", STARTTLS.address().getHostAddress())
        .txt("s1._domainkey." + DOMAIN, "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(DKIM_KEY.getPublic().getEncoded()))
        .start();

    @RegisterExtension
    static final PipelineJamesExtension PIPELINE = PipelineJamesExtension.withUsers("alice", "bob", "carol")
        .editConf("dnsservice.xml", shipped -> DNS.dnsServiceXml())
        .setting(OutboundJobs.WORKER_ENABLED, "true")
        .setting("outbound.smtp.timeout.ms", "10000")
        .setting("outbound.smtp.connect.timeout.ms", "5000")
        // The policy host's certificate is the one trusted authority, as a public CA is in production.
        .setting("outbound.tls.trust.store",
            TrustStoreFile.write(FILES.resolve("trust.p12"), POLICY_HOST.certificate()).toString())
        .setting("outbound.tls.trust.store.password", "changeit")
        .setting("outbound.dkim.keys", DOMAIN + ":s1:" + privateKeyPem(FILES.resolve("dkim-s1.pem")));

    @AfterAll
    static void stopPeers() {
        DNS.close();
        POLICY_HOST.close();
        CLEAR.close();
        STARTTLS.close();
    }

    @Test
    void anEnforcedMtaStsDomainWhoseMxOffersNoStarttlsIsNotSentInClearButDeferred() throws Exception {
        String results = PIPELINE.tap().tap(PIPELINE.james().topology().telemetryExchange(), SmtpDeliveryResult.ROUTING_KEY);
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "secret", "body", "someone@sts.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        SmtpDeliveryResult result = resultFor(results, reply.pipelineId());

        assertThat(result.mx()).isEqualTo("mx.sts.test.");
        assertThat(result.result()).isEqualTo("tempfail");
        assertThat(result.mtaStsPolicy()).isEqualTo("mta-sts-enforce");
        assertThat(result.mtaStsOutcome()).isEqualTo("starttls-not-supported");
        assertThat(result.starttlsOffered()).isFalse();
        assertThat(result.smtpReply()).contains("refused by the TLS policy");
        var waiting = await().atMost(WAIT).until(
            () -> JSON.readTree(PIPELINE.james().webAdmin("GET", "/pipeline/outbound?domain=sts.test").body()),
            list -> list.size() == 1);
        assertThat(waiting.get(0).get("pendingRecipients").get(0).asText()).isEqualTo("someone@sts.test");
        assertThat(CLEAR.received()).isEmpty();
    }

    @Test
    void mailFromOurDomainArrivesDkimSignedAndVerifiesAgainstTheKeyInDns() throws Exception {
        // Complete, as a mail client writes it: a receiving Postfix adds a missing Date or Message-ID for a client on
        // its own network (as the peer sees James), and a header added after signing breaks any DKIM signature.
        String message = "From: Alice <alice@" + DOMAIN + ">\r\nTo: bob@tls.test\r\nSubject: signed\r\n"
            + "Date: Sun, 6 Dec 2026 11:00:00 +0000\r\nMessage-ID: <signed-1@" + DOMAIN + ">\r\n\r\na signed body\r\n";
        SmtpReply reply = PIPELINE.james().smtp().sendRaw("alice@" + DOMAIN, message, "bob@tls.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        byte[] received = STARTTLS.awaitMessagesFor("bob@tls.test", 1, WAIT).get(0);

        DKIMVerifier verifier = new DKIMVerifier(new MultiplexingPublicKeyRecordRetriever("dns",
            new DNSPublicKeyRecordRetriever(new SimpleResolver(DNS.address()))));
        List<SignatureRecord> verified = verifier.verifyUsingCRLF(
            new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(received)));
        assertThat(verified).extracting(signature -> signature.getDToken().toString()).containsExactly(DOMAIN);
        assertThat(verified).extracting(signature -> signature.getSelector().toString()).containsExactly("s1");
    }

    @Test
    void anOpportunisticDeliveryReportsStarttlsOfferedAndUsedWithItsVersion() throws Exception {
        String results = PIPELINE.tap().tap(PIPELINE.james().topology().telemetryExchange(), SmtpDeliveryResult.ROUTING_KEY);
        SmtpReply reply = PIPELINE.james().smtp().send("alice@" + DOMAIN, "over TLS", "body", "carol@tls.test");
        assertThat(reply.accepted()).as(reply.text()).isTrue();

        SmtpDeliveryResult result = resultFor(results, reply.pipelineId());

        assertThat(result.result()).isEqualTo("delivered");
        assertThat(result.starttlsOffered()).isTrue();
        assertThat(result.starttlsUsed()).isTrue();
        assertThat(result.tlsVersion()).startsWith("TLSv1.");
        assertThat(result.mtaStsPolicy()).isEqualTo("opportunistic");
        assertThat(STARTTLS.messagesFor("carol@tls.test")).hasSize(1);
    }

    private static SmtpDeliveryResult resultFor(String tapQueue, String pipelineId) throws Exception {
        GetResponse event = PIPELINE.tap().nextMatching(tapQueue,
            body -> read(body).pipelineId().equals(pipelineId), WAIT);
        assertThat(event).as("smtp.delivery.result for " + pipelineId).isNotNull();
        return read(event.getBody());
    }

    private static SmtpDeliveryResult read(byte[] body) {
        try {
            return JSON.readValue(body, SmtpDeliveryResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static PolicyHost policyHost() {
        try {
            PolicyHost host = PolicyHost.start("mta-sts.sts.test");
            host.serve("mta-sts.sts.test", PolicyHost.Answer.policy("version: STSv1\nmode: enforce\nmx: mx.sts.test\nmax_age: 86400\n"));
            return host;
        } catch (Exception e) {
            throw new IllegalStateException("the MTA-STS policy host did not start", e);
        }
    }

    private static KeyPair rsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The DKIM private key as an operator's PEM file (PKCS#8, what Java encodes a private key as). */
    private static String privateKeyPem(Path file) {
        String pem = "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(DKIM_KEY.getPrivate().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";
        try {
            return Files.writeString(file, pem).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path temporaryDirectory() {
        try {
            Path directory = Files.createTempDirectory("outbound-security-it");
            directory.toFile().deleteOnExit();
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
