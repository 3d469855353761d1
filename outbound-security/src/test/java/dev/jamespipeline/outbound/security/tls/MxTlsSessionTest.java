package dev.jamespipeline.outbound.security.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.dnsservice.api.DNSService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.mail.smtp.SMTPTransport;

import dev.jamespipeline.outbound.security.OutboundSecuritySettings;
import dev.jamespipeline.outbound.security.testing.JamesDns;
import dev.jamespipeline.outbound.security.testing.TestClock;
import dev.jamespipeline.testing.PolicyHost.Answer;
import dev.jamespipeline.testing.PolicyHost;
import dev.jamespipeline.testing.PostfixPeer;
import dev.jamespipeline.testing.TestCertificate;
import dev.jamespipeline.testing.TestDns;
import dev.jamespipeline.testing.TrustStoreFile;

/**
 * The TLS policy applied by javax.mail's SMTP client (the one James's remote delivery uses) to real Postfix MX
 * hosts, with MX and MTA-STS records on a real DNS server and the policy on a real HTTPS host. The MX hosts:
 * one without STARTTLS, one whose certificate no trusted authority signed, and one with a trusted certificate for
 * {@code good.enforce.test} (also reached as {@code mismatch.enforce.test}, a name its certificate lacks).
 */
class MxTlsSessionTest {
    @TempDir
    static Path directory;
    private static PostfixPeer plain;
    private static PostfixPeer untrusted;
    private static PostfixPeer trusted;
    private static PolicyHost policyHost;
    private static TestDns dns;
    private static DNSService james;
    private static OutboundTlsPolicy tls;

    @BeforeAll
    static void start() throws Exception {
        TestCertificate goodCertificate = TestCertificate.selfSigned("good.enforce.test");
        plain = peer(PostfixPeer.builder().hostname("plain.enforce.test"));
        untrusted = peer(PostfixPeer.builder().hostname("untrusted.enforce.test").starttls(TestCertificate.selfSigned("untrusted.enforce.test")));
        trusted = peer(PostfixPeer.builder().hostname("good.enforce.test").starttls(goodCertificate));
        policyHost = PolicyHost.start("mta-sts.enforce.test", "mta-sts.testing.test");
        policyHost.serve("mta-sts.enforce.test", Answer.policy("version: STSv1\nmode: enforce\nmx: *.enforce.test\nmax_age: 86400\n"));
        policyHost.serve("mta-sts.testing.test", Answer.policy("version: STSv1\nmode: testing\nmx: untrusted.testing.test\nmax_age: 86400\n"));
        dns = TestDns.builder()
            .txt("_mta-sts.enforce.test", "v=STSv1; id=20261201;")
            .host("mta-sts.enforce.test", policyHost.address().getHostAddress())
            .txt("_mta-sts.testing.test", "v=STSv1; id=t1;")
            .host("mta-sts.testing.test", policyHost.address().getHostAddress())
            .mx("enforce.test", 10, "plain.enforce.test")
            .mx("enforce.test", 20, "untrusted.enforce.test")
            .mx("enforce.test", 30, "mismatch.enforce.test")
            .mx("enforce.test", 40, "good.enforce.test")
            .host("plain.enforce.test", plain.address().getHostAddress())
            .host("untrusted.enforce.test", untrusted.address().getHostAddress())
            .host("mismatch.enforce.test", trusted.address().getHostAddress())
            .host("good.enforce.test", trusted.address().getHostAddress())
            .host("odd_name.enforce.test", trusted.address().getHostAddress())
            .start();
        james = JamesDns.pointingAt(dns);
        BaseConfiguration conf = new BaseConfiguration();
        conf.addProperty(OutboundSecuritySettings.TRUST_STORE,
            TrustStoreFile.write(directory.resolve("trust.p12"), goodCertificate.certificate(), policyHost.certificate()).toString());
        conf.addProperty(OutboundSecuritySettings.TRUST_STORE_PASSWORD, "changeit");
        conf.addProperty(OutboundSecuritySettings.REQUIRED_DOMAINS, "required.test");
        tls = OutboundTlsPolicy.create(OutboundSecuritySettings.from(conf, directory), james, new TestClock());
    }

    private static PostfixPeer peer(PostfixPeer.Builder builder) {
        return builder.accept("bob@enforce.test").accept("bob@plain.test").accept("bob@required.test").accept("bob@testing.test").start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {tls, dns, policyHost, plain, untrusted, trusted}) {
            if (closeable != null) {
                closeable.close();
            }
        }
    }

    @Test
    void anEnforceDomainGetsMailOnlyFromTheMxWithValidTlsNeverInClear() throws Exception {
        DomainTlsPolicy policy = tls.forDomain("enforce.test");
        List<TlsOutcome> outcomes = new ArrayList<>();
        for (String mx : james.findMXRecords("enforce.test")) {
            outcomes.add(deliver(policy.requirementFor(mx), "bob@enforce.test").outcome());
        }

        assertThat(outcomes).extracting(TlsOutcome::policy).containsOnly(TlsPolicy.MTA_STS_ENFORCE);
        assertThat(outcomes).extracting(TlsOutcome::mtaStsPolicyId).containsOnly("20261201");
        assertThat(outcomes).extracting(TlsOutcome::result).containsExactly(
            TlsOutcome.Result.STARTTLS_NOT_SUPPORTED,
            TlsOutcome.Result.CERTIFICATE_NOT_TRUSTED,
            TlsOutcome.Result.CERTIFICATE_HOST_MISMATCH,
            TlsOutcome.Result.SUCCESS);
        assertThat(outcomes).extracting(TlsOutcome::refused).containsExactly(true, true, true, false);
        assertThat(outcomes.get(3).starttlsUsed()).isTrue();
        assertThat(outcomes.get(3).tlsVersion()).startsWith("TLSv1.");
        assertThat(outcomes.get(0).starttlsOffered()).isFalse();

        assertThat(plain.messagesFor("bob@enforce.test")).as("nothing in clear").isEmpty();
        assertThat(untrusted.messagesFor("bob@enforce.test")).isEmpty();
        assertThat(trusted.awaitMessagesFor("bob@enforce.test", 1, Duration.ofSeconds(20))).hasSize(1);
        assertThat(trusted.log()).contains("TLS connection established");
    }

    @Test
    void anMxNameThatIsNoHostNameIsRefusedNotCrashedOn() throws Exception {
        Attempt attempt = deliver(tls.requirementFor("enforce.test", "odd_name.enforce.test"), "bob@enforce.test", trusted);

        assertThat(attempt.outcome().result()).isEqualTo(TlsOutcome.Result.CERTIFICATE_HOST_MISMATCH);
        assertThat(attempt.outcome().refused()).isTrue();
        assertThat(attempt.error()).isNotNull();
    }

    @Test
    void opportunisticTlsEncryptsWithAnyCertificateAndReportsIt() throws Exception {
        Attempt encrypted = deliver(tls.requirementFor("plain.test", "untrusted.enforce.test"), "bob@plain.test", untrusted);
        Attempt clear = deliver(tls.requirementFor("plain.test", "plain.enforce.test"), "bob@plain.test", plain);

        assertThat(encrypted.error()).isNull();
        assertThat(encrypted.outcome().policy()).isEqualTo(TlsPolicy.OPPORTUNISTIC);
        assertThat(encrypted.outcome().starttlsUsed()).isTrue();
        assertThat(encrypted.outcome().result()).isEqualTo(TlsOutcome.Result.CERTIFICATE_NOT_TRUSTED);
        assertThat(encrypted.outcome().refused()).isFalse();
        assertThat(clear.error()).isNull();
        assertThat(clear.outcome().result()).isEqualTo(TlsOutcome.Result.STARTTLS_NOT_SUPPORTED);
        assertThat(clear.outcome().starttlsUsed()).isFalse();
        assertThat(untrusted.awaitMessagesFor("bob@plain.test", 1, Duration.ofSeconds(20))).hasSize(1);
        assertThat(plain.awaitMessagesFor("bob@plain.test", 1, Duration.ofSeconds(20))).hasSize(1);
    }

    @Test
    void aTestingPolicyReportsFailuresAndStillDelivers() throws Exception {
        Attempt untrustedListed = deliver(tls.requirementFor("testing.test", "untrusted.testing.test"), "bob@testing.test", untrusted);
        Attempt unlisted = deliver(tls.requirementFor("testing.test", "plain.enforce.test"), "bob@testing.test", plain);

        assertThat(untrustedListed.error()).isNull();
        assertThat(untrustedListed.outcome().policy()).isEqualTo(TlsPolicy.MTA_STS_TESTING);
        assertThat(untrustedListed.outcome().result()).isEqualTo(TlsOutcome.Result.CERTIFICATE_NOT_TRUSTED);
        assertThat(untrustedListed.outcome().starttlsUsed()).isTrue();
        assertThat(untrustedListed.outcome().refused()).isFalse();
        assertThat(unlisted.error()).isNull();
        assertThat(unlisted.outcome().result()).isEqualTo(TlsOutcome.Result.VALIDATION_FAILURE);
        assertThat(unlisted.outcome().detail()).contains("plain.enforce.test is not in its mx list");
        assertThat(unlisted.outcome().refused()).isFalse();
        assertThat(untrusted.awaitMessagesFor("bob@testing.test", 1, Duration.ofSeconds(20))).hasSize(1);
        assertThat(plain.awaitMessagesFor("bob@testing.test", 1, Duration.ofSeconds(20))).hasSize(1);
    }

    @Test
    void aDomainThatRequiresTlsByConfigurationIsNotSentInClear() throws Exception {
        Attempt attempt = deliver(tls.requirementFor("required.test", "plain.enforce.test"), "bob@required.test", plain);

        assertThat(attempt.error()).hasMessageContaining("STARTTLS is required");
        assertThat(attempt.outcome().policy()).isEqualTo(TlsPolicy.REQUIRED);
        assertThat(attempt.outcome().refused()).isTrue();
        assertThat(plain.messagesFor("bob@required.test")).isEmpty();
    }

    private record Attempt(TlsOutcome outcome, MessagingException error) {
    }

    private static Attempt deliver(TlsRequirement requirement, String recipient) throws Exception {
        return deliver(requirement, recipient, null);
    }

    /** What James's delivery does with one MX: connect to its address, STARTTLS as the session says, send. */
    private static Attempt deliver(TlsRequirement requirement, String recipient, PostfixPeer peer) throws Exception {
        if (!requirement.mayUseMx()) {
            return new Attempt(OutboundTlsPolicy.refusedOutcome(requirement), null);
        }
        MxTlsSession session = tls.sessionFor(requirement);
        Properties properties = new Properties();
        properties.put("mail.smtp.localhost", "sender.test");
        properties.put("mail.smtp.connectiontimeout", "30000");
        properties.put("mail.smtp.timeout", "30000");
        properties.putAll(session.javaMailProperties());
        Session mail = Session.getInstance(properties);
        MimeMessage message = new MimeMessage(mail);
        message.setFrom("alice@sender.test");
        message.setRecipients(MimeMessage.RecipientType.TO, recipient);
        message.setSubject("TLS policy " + requirement.mxHost());
        message.setText("hello", StandardCharsets.UTF_8.name());
        String address = peer != null ? peer.address().getHostAddress() : james.getByName(requirement.mxHost()).getHostAddress();
        SMTPTransport transport = (SMTPTransport) mail.getTransport("smtp");
        MessagingException error = null;
        try {
            transport.connect(address, PostfixPeer.PORT, null, null);
            transport.sendMessage(message, new Address[] {new InternetAddress(recipient)});
        } catch (MessagingException e) {
            error = e;
        }
        boolean offered = transport.supportsExtension("STARTTLS");
        transport.close();
        return new Attempt(session.outcome(offered), error);
    }
}
