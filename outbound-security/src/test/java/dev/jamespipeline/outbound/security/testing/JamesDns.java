package dev.jamespipeline.outbound.security.testing;

import java.io.StringReader;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.metrics.tests.RecordingMetricFactory;

import dev.jamespipeline.testing.TestDns;

/** James's own DNS service (dnsjava), configured as {@code dnsservice.xml} would, asking the test DNS server only. */
public final class JamesDns {
    private JamesDns() {
    }

    public static DNSJavaService pointingAt(TestDns dns) {
        try {
            XMLConfiguration configuration = new XMLConfiguration();
            new FileHandler(configuration).load(new StringReader(dns.dnsServiceXml()
                // this JVM's other dnsjava users keep their resolver
                .replace("</dnsservice>", "  <setAsDNSJavaDefault>false</setAsDNSJavaDefault>\n</dnsservice>")));
            DNSJavaService service = new DNSJavaService(new RecordingMetricFactory());
            service.configure(configuration);
            service.init();
            return service;
        } catch (Exception e) {
            throw new IllegalStateException("James's DNS service did not start on " + dns.address(), e);
        }
    }
}
