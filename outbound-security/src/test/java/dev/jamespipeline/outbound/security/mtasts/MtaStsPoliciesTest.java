package dev.jamespipeline.outbound.security.mtasts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.apache.commons.configuration2.BaseConfiguration;
import org.apache.james.dnsservice.api.DNSService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.jamespipeline.outbound.security.OutboundSecuritySettings;
import dev.jamespipeline.outbound.security.testing.JamesDns;
import dev.jamespipeline.outbound.security.testing.SwitchableDns;
import dev.jamespipeline.outbound.security.testing.TestClock;
import dev.jamespipeline.outbound.security.tls.DomainTlsPolicy;
import dev.jamespipeline.outbound.security.tls.OutboundTlsPolicy;
import dev.jamespipeline.outbound.security.tls.TlsPolicy;
import dev.jamespipeline.outbound.security.tls.TlsRequirement;
import dev.jamespipeline.testing.PolicyHost.Answer;
import dev.jamespipeline.testing.PolicyHost;
import dev.jamespipeline.testing.TestDns;
import dev.jamespipeline.testing.TrustStoreFile;

/**
 * MTA-STS discovery against real DNS (dnsmasq, read through James's DNS service) and a real HTTPS policy host
 * on port 443 of a loopback address, whose certificate the configured trust store holds.
 */
class MtaStsPoliciesTest {
    private static final String ENFORCE = "version: STSv1\r\nmode: enforce\r\nmx: mx1.enforce.test\r\nmx: *.backup.enforce.test\r\nmax_age: 86400\r\n";
    private static final String[] POLICY_HOSTS = {"mta-sts.enforce.test", "mta-sts.testing.test", "mta-sts.big.test",
        "mta-sts.html.test", "mta-sts.redirect.test", "mta-sts.syntax.test", "mta-sts.notxt.test", "mta-sts.hugeage.test",
        "mta-sts.rotate.test", "mta-sts.missing.test", "mta-sts.binary.test", "mta-sts.target.test", "mta-sts.bigchunked.test", "mta-sts.slow.test", "mta-sts.charset.test", "mta-sts.notype.test"};

    @TempDir
    static Path directory;
    private static PolicyHost policyHost;
    private static TestDns dns;
    private static Path trustStore;

    @BeforeAll
    static void start() throws Exception {
        policyHost = PolicyHost.start(POLICY_HOSTS);
        trustStore = TrustStoreFile.write(directory.resolve("trust.p12"), policyHost.certificate());
        policyHost.serve("mta-sts.enforce.test", Answer.policy(ENFORCE));
        policyHost.serve("mta-sts.testing.test", Answer.policy("version: STSv1\nmode: testing\nmx: mx.testing.test\nmax_age: 600\n"));
        policyHost.serve("mta-sts.big.test", Answer.policy(ENFORCE + "x_padding: " + "x".repeat(100_000) + "\r\n"));
        policyHost.serve("mta-sts.bigchunked.test", Answer.chunkedPolicy(ENFORCE + "x_padding: " + "x".repeat(100_000) + "\r\n"));
        policyHost.serve("mta-sts.slow.test", Answer.drippingPolicy(ENFORCE + "x_padding: " + "x".repeat(1000) + "\r\n"));
        policyHost.serve("mta-sts.charset.test", new Answer(200, Map.of("Content-Type", "Text/Plain; charset=\"no-such-charset"),
            ENFORCE.getBytes(StandardCharsets.US_ASCII)));
        policyHost.serve("mta-sts.notype.test", new Answer(200, Map.of(), ENFORCE.getBytes(StandardCharsets.US_ASCII)));
        policyHost.serve("mta-sts.html.test", new Answer(200, Map.of("Content-Type", "text/html"), ENFORCE.getBytes(StandardCharsets.US_ASCII)));
        policyHost.serve("mta-sts.redirect.test", new Answer(301,
            Map.of("Location", "https://mta-sts.target.test/.well-known/mta-sts.txt", "Content-Type", "text/plain"), new byte[0]));
        policyHost.serve("mta-sts.target.test", Answer.policy(ENFORCE));
        policyHost.serve("mta-sts.syntax.test", Answer.policy("version: STSv1\nmode: enforce\nmx mx.syntax.test\nmax_age: 600\n"));
        policyHost.serve("mta-sts.notxt.test", Answer.policy(ENFORCE));
        policyHost.serve("mta-sts.hugeage.test", Answer.policy("version: STSv1\nmode: enforce\nmx: mx.hugeage.test\nmax_age: 9999999999\n"));
        policyHost.serve("mta-sts.binary.test", new Answer(200, Map.of("Content-Type", "text/plain"), new byte[] {'v', (byte) 0xff, (byte) 0xfe, '\n'}));
        policyHost.serve("mta-sts.wrongcert.test", Answer.policy(ENFORCE));
        // mta-sts.missing.test answers 404: a TXT record without a policy
        dns = zone("e1").start();
    }

    /** Every test domain: its _mta-sts record (but notxt.test's) and its policy host on the HTTPS server. */
    private static TestDns.Builder zone(String rotateId) {
        TestDns.Builder zone = TestDns.builder();
        for (String domain : new String[] {"enforce.test", "testing.test", "big.test", "html.test", "redirect.test", "syntax.test",
            "hugeage.test", "missing.test", "binary.test", "wrongcert.test", "bigchunked.test", "slow.test", "charset.test", "notype.test"}) {
            zone.txt("_mta-sts." + domain, "v=STSv1; id=" + domain.replace(".", "") + "1;");
        }
        for (String host : POLICY_HOSTS) {
            zone.host(host, policyHost.address().getHostAddress());
        }
        zone.host("mta-sts.wrongcert.test", policyHost.address().getHostAddress());
        zone.txt("_mta-sts.nohost.test", "v=STSv1; id=n1;"); // and no mta-sts.nohost.test
        zone.txt("_mta-sts.refused.test", "v=STSv1; id=r1;");
        zone.host("mta-sts.refused.test", "127.0.55.1"); // nothing listens there
        if (rotateId != null) {
            zone.txt("_mta-sts.rotate.test", "v=STSv1; id=" + rotateId + ";");
        }
        return zone;
    }

    @AfterAll
    static void stop() {
        if (dns != null) {
            dns.close();
        }
        if (policyHost != null) {
            policyHost.close();
        }
    }

    private static OutboundTlsPolicy policies(DNSService james, TestClock clock, boolean withTrustStore) {
        return policies(james, clock, withTrustStore, "30000"); // generous: a loaded machine's handshakes are slow
    }

    private static OutboundTlsPolicy policies(DNSService james, TestClock clock, boolean withTrustStore, String fetchTimeoutMs) {
        BaseConfiguration conf = new BaseConfiguration();
        if (withTrustStore) {
            conf.addProperty(OutboundSecuritySettings.TRUST_STORE, trustStore.toString());
            conf.addProperty(OutboundSecuritySettings.TRUST_STORE_PASSWORD, "changeit");
        }
        conf.addProperty(OutboundSecuritySettings.MTA_STS_FETCH_TIMEOUT, fetchTimeoutMs);
        return OutboundTlsPolicy.create(OutboundSecuritySettings.from(conf, directory), james, clock);
    }

    private static OutboundTlsPolicy policies() {
        return policies(JamesDns.pointingAt(dns), new TestClock(), true);
    }

    @Test
    void anEnforcePolicyAllowsItsMxHostsOnlyAndRequiresTlsWithAValidCertificate() {
        DomainTlsPolicy domain = policies().forDomain("enforce.test");

        TlsRequirement listed = domain.requirementFor("mx1.enforce.test.");
        assertThat(listed.policy()).isEqualTo(TlsPolicy.MTA_STS_ENFORCE);
        assertThat(listed.mayUseMx()).isTrue();
        assertThat(listed.starttlsRequired()).isTrue();
        assertThat(listed.certificateEnforced()).isTrue();
        assertThat(listed.mtaStsPolicyId()).contains("enforcetest1");
        assertThat(domain.requirementFor("a.backup.enforce.test").mayUseMx()).isTrue();

        TlsRequirement unlisted = domain.requirementFor("mx.attacker.test");
        assertThat(unlisted.mayUseMx()).as("an MX the enforce policy does not list is never used").isFalse();
        assertThat(unlisted.reason()).contains("mx.attacker.test is not in its mx list");
        assertThat(OutboundTlsPolicy.refusedOutcome(unlisted).refused()).isTrue();
    }

    @Test
    void aTestingPolicyOnlyReports() {
        DomainTlsPolicy domain = policies().forDomain("testing.test");

        TlsRequirement unlisted = domain.requirementFor("other.testing.test");
        assertThat(unlisted.policy()).isEqualTo(TlsPolicy.MTA_STS_TESTING);
        assertThat(unlisted.mayUseMx()).isTrue();
        assertThat(unlisted.mxInPolicy()).isFalse();
        assertThat(unlisted.starttlsRequired()).isFalse();
        assertThat(unlisted.certificateEnforced()).isFalse();
    }

    @Test
    void aDomainWithoutTheTxtRecordHasNoPolicyEvenIfAPolicyHostAnswers() {
        assertThat(policies().forDomain("notxt.test").requirementFor("mx1.enforce.test").policy()).isEqualTo(TlsPolicy.OPPORTUNISTIC);
        assertThat(policyHost.requestsFor("mta-sts.notxt.test")).as("no TXT record, no fetch").isZero();
    }

    @Test
    void theMediaTypeIsCheckedWithoutItsParameters() {
        assertThat(policies().forDomain("charset.test").mtaSts().policy()).as("text/plain with a charset Java does not know").isPresent();
    }

    @Test
    void aHugeMaxAgeIsCutToAYear() {
        DomainTlsPolicy domain = policies().forDomain("hugeage.test");

        assertThat(domain.mtaSts().policy()).hasValueSatisfying(policy -> assertThat(policy.maxAge()).isEqualTo(Duration.ofSeconds(31_557_600)));
    }

    @Test
    void hostilePolicyHostsLeaveTheDomainWithoutAPolicy() {
        OutboundTlsPolicy policies = policies();

        assertNoPolicy(policies, "big.test", PolicyFetchException.Kind.FETCH_ERROR, "announced 100109 bytes, more than 65536");
        assertNoPolicy(policies, "bigchunked.test", PolicyFetchException.Kind.FETCH_ERROR, "sent more than 65536 bytes");
        assertNoPolicy(policies, "html.test", PolicyFetchException.Kind.FETCH_ERROR, "Content-Type text/html");
        assertNoPolicy(policies, "notype.test", PolicyFetchException.Kind.FETCH_ERROR, "Content-Type (none)");
        assertNoPolicy(policies, "redirect.test", PolicyFetchException.Kind.FETCH_ERROR, "HTTP 301 (redirects are not followed)");
        assertNoPolicy(policies, "syntax.test", PolicyFetchException.Kind.POLICY_INVALID, "line 3 is not 'name: value'");
        assertNoPolicy(policies, "missing.test", PolicyFetchException.Kind.FETCH_ERROR, "HTTP 404");
        assertNoPolicy(policies, "binary.test", PolicyFetchException.Kind.POLICY_INVALID, "not UTF-8");
        assertNoPolicy(policies, "wrongcert.test", PolicyFetchException.Kind.WEBPKI_INVALID, "certificate");
        assertNoPolicy(policies, "nohost.test", PolicyFetchException.Kind.FETCH_ERROR, "UnknownHostException");
        assertNoPolicy(policies, "refused.test", PolicyFetchException.Kind.FETCH_ERROR, "Connection refused");
        assertThat(policyHost.requestsFor("mta-sts.target.test")).as("the redirect was not followed").isZero();
    }

    @Test
    void aPolicyHostThatNeverStopsSendingIsCutOffAtTheFetchTimeout() {
        OutboundTlsPolicy twoSeconds = policies(JamesDns.pointingAt(dns), new TestClock(), true, "2000");

        DomainTlsPolicy policy = twoSeconds.forDomain("slow.test");
        assertThat(policy.mtaSts().policy()).isEmpty();
        assertThat(policy.mtaSts().problem()).hasValueSatisfying(problem -> {
            assertThat(problem.kind()).isEqualTo(PolicyFetchException.Kind.FETCH_ERROR);
            // the whole-body deadline; on a machine so loaded that one byte takes 2 s, the read timeout
            assertThat(problem.getMessage()).containsAnyOf("took more than 2000 ms to send the policy", "Read timed out");
        });
    }

    @Test
    void aPolicyHostWhoseCertificateNoTrustedAuthoritySignedIsRefused() {
        OutboundTlsPolicy jdkTrust = policies(JamesDns.pointingAt(dns), new TestClock(), false);

        assertNoPolicy(jdkTrust, "enforce.test", PolicyFetchException.Kind.WEBPKI_INVALID, "certificate");
    }

    private static void assertNoPolicy(OutboundTlsPolicy policies, String domain, PolicyFetchException.Kind kind, String why) {
        DomainTlsPolicy policy = policies.forDomain(domain);
        assertThat(policy.mtaSts().policy()).as(domain).isEmpty();
        assertThat(policy.mtaSts().problem()).as(domain).hasValueSatisfying(problem -> {
            assertThat(problem.kind()).isEqualTo(kind);
            assertThat(problem.getMessage()).contains(why);
        });
        assertThat(policy.requirementFor("mx1." + domain).policy()).isEqualTo(TlsPolicy.OPPORTUNISTIC);
    }

    @Test
    void theCacheHonoursTheTxtIdAndMaxAgeAndOutlivesFetchFailuresAndAWithdrawnRecord() {
        TestClock clock = new TestClock();
        SwitchableDns james = new SwitchableDns(JamesDns.pointingAt(dns));
        OutboundTlsPolicy policies = policies(james, clock, true);
        policyHost.serve("mta-sts.rotate.test", Answer.policy("version: STSv1\nmode: enforce\nmx: mx.rotate.test\nmax_age: 3600\n"));

        assertThat(modeOf(policies)).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(policyHost.requestsFor("mta-sts.rotate.test")).isEqualTo(1);

        // The same id: the cached policy, whatever the host now serves.
        policyHost.serve("mta-sts.rotate.test", Answer.policy("version: STSv1\nmode: testing\nmx: mx.rotate.test\nmax_age: 3600\n"));
        clock.advance(Duration.ofMinutes(30));
        assertThat(modeOf(policies)).isEqualTo(MtaStsPolicy.Mode.ENFORCE);
        assertThat(policyHost.requestsFor("mta-sts.rotate.test")).isEqualTo(1);

        try (TestDns newId = zone("e2").start(); TestDns failingId = zone("e3").start(); TestDns withdrawn = zone(null).start()) {
            // A new id: fetched again.
            james.switchTo(JamesDns.pointingAt(newId));
            assertThat(modeOf(policies)).isEqualTo(MtaStsPolicy.Mode.TESTING);
            assertThat(policies.forDomain("rotate.test").mtaSts().policyId()).contains("e2");
            assertThat(policyHost.requestsFor("mta-sts.rotate.test")).isEqualTo(2);

            // Another id whose policy cannot be fetched: the cached one stays in force, the failure is reported.
            policyHost.serve("mta-sts.rotate.test", new Answer(500, Map.of("Content-Type", "text/plain"), "down".getBytes(StandardCharsets.US_ASCII)));
            james.switchTo(JamesDns.pointingAt(failingId));
            DomainTlsPolicy failed = policies.forDomain("rotate.test");
            assertThat(failed.mtaSts().policy().map(MtaStsPolicy::mode)).contains(MtaStsPolicy.Mode.TESTING);
            assertThat(failed.mtaSts().problem()).hasValueSatisfying(problem -> assertThat(problem.getMessage()).contains("HTTP 500"));
            assertThat(policyHost.requestsFor("mta-sts.rotate.test")).isEqualTo(3);

            // The failed fetch is not repeated at every delivery, only once outbound.tls.mta-sts.failed.fetch.retry.ms passed.
            assertThat(policies.forDomain("rotate.test").mtaSts().problem()).isPresent();
            assertThat(policyHost.requestsFor("mta-sts.rotate.test")).isEqualTo(3);
            clock.advance(Duration.ofMinutes(5));
            assertThat(modeOf(policies)).isEqualTo(MtaStsPolicy.Mode.TESTING);
            assertThat(policyHost.requestsFor("mta-sts.rotate.test")).isEqualTo(4);

            // The TXT record withdrawn: the unexpired policy still applies (RFC 8461 section 3.1).
            james.switchTo(JamesDns.pointingAt(withdrawn));
            assertThat(modeOf(policies)).isEqualTo(MtaStsPolicy.Mode.TESTING);

            // Past max_age (3600 s after the second fetch, 5 minutes ago) with no record: no policy any more.
            clock.advance(Duration.ofSeconds(3600 - 300));
            assertThat(policies.forDomain("rotate.test").mtaSts().policy()).isEmpty();
        }
    }

    private static MtaStsPolicy.Mode modeOf(OutboundTlsPolicy policies) {
        MtaStsLookup lookup = policies.forDomain("rotate.test").mtaSts();
        return lookup.policy().map(MtaStsPolicy::mode)
            .orElseThrow(() -> new AssertionError("no policy for rotate.test: " + lookup.problem().map(Throwable::getMessage).orElse("no TXT record")));
    }
}
