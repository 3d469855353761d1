package dev.jamespipeline.outbound;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringReader;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.apache.mailet.HostAddress;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.jamespipeline.testing.TestDns;

/** Where mail goes, asked of a real DNS server (dnsmasq) through James's own DNSService. */
class MxResolverTest {
    private static TestDns dns;
    private static MxResolver resolver;

    @BeforeAll
    static void start() throws Exception {
        dns = TestDns.builder()
            .host("mx1.remote.test", "127.0.0.31")
            .host("mx2.remote.test", "127.0.0.32", "127.0.0.33")
            .mx("remote.test", 20, "mx2.remote.test")
            .mx("remote.test", 10, "mx1.remote.test")
            .host("bare.test", "127.0.0.34")
            .nullMx("nullmx.test")
            .mx("lame.test", 10, "nowhere.lame.test")
            .temporaryFailure("tempfail.test")
            .start();
        resolver = new MxResolver(dnsService(), 25);
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @Test
    void everyAddressOfEveryMxInPreferenceOrder() {
        MxResolver.Resolution resolution = resolver.resolve("remote.test");

        assertThat(resolution).isInstanceOf(MxResolver.Hosts.class);
        java.util.List<String> addresses = ((MxResolver.Hosts) resolution).hosts().stream().map(HostAddress::getHost).toList();
        // The preferred MX first; one host's own addresses come in the order DNS gives them.
        assertThat(addresses.get(0)).isEqualTo("127.0.0.31");
        assertThat(addresses.subList(1, 3)).containsExactlyInAnyOrder("127.0.0.32", "127.0.0.33");
        assertThat(((MxResolver.Hosts) resolution).hosts()).extracting(HostAddress::getPort).containsOnly(25);
    }

    @Test
    void aDomainWithoutMxIsDeliveredToItsOwnAddress() {
        assertThat(((MxResolver.Hosts) resolver.resolve("bare.test")).hosts()).extracting(HostAddress::getHost)
            .containsExactly("127.0.0.34");
    }

    @Test
    void nullMxAndNoSuchDomainArePermanentATemporaryDnsFailureAndUnresolvableMxHostsAreNot() {
        assertThat(resolver.resolve("nullmx.test")).isEqualTo(new MxResolver.Permanent("5.1.10",
            "nullmx.test accepts no mail (null MX, RFC 7505)"));
        assertThat(resolver.resolve("nosuchdomain.test")).isInstanceOf(MxResolver.Permanent.class)
            .extracting(r -> ((MxResolver.Permanent) r).status()).isEqualTo("5.1.2");
        assertThat(resolver.resolve("tempfail.test")).isInstanceOf(MxResolver.Temporary.class);
        assertThat(resolver.resolve("lame.test")).isInstanceOf(MxResolver.Temporary.class);
    }

    @Test
    void aTestPortIsAppendedToEveryHost() throws Exception {
        MxResolver elsewhere = new MxResolver(dnsService(), 2525);

        assertThat(((MxResolver.Hosts) elsewhere.resolve("remote.test")).hosts()).extracting(HostAddress::getPort)
            .containsOnly(2525);
    }

    private static DNSJavaService dnsService() throws Exception {
        XMLConfiguration configuration = new XMLConfiguration();
        new FileHandler(configuration).load(new StringReader(dns.dnsServiceXml()));
        DNSJavaService james = new DNSJavaService(new RecordingMetricFactory());
        james.configure(configuration);
        james.init();
        return james;
    }
}
