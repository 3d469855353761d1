package dev.jamespipeline.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.XMLConfiguration;
import org.apache.commons.configuration2.io.FileHandler;
import org.apache.james.dnsservice.api.TemporaryResolutionException;
import org.apache.james.dnsservice.dnsjava.DNSJavaService;
import org.apache.james.metrics.tests.RecordingMetricFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** Each kind of record dnsmasq serves, read as James reads it: its DNSService, configured by {@link TestDns#dnsServiceXml()}. */
class TestDnsTest {
    private static final String SPF = "v=spf1 ip4:127.0.0.0/8 -all";
    // Commas, semicolons, a quote and a backslash: served as given, no escaping in the builder's input.
    private static final String DMARC = "v=DMARC1; p=reject; rua=mailto:a@example.test,mailto:\"b\\c\"@example.test";
    // A 2048-bit RSA key's record is longer than one 255-character DNS string.
    private static final String DKIM = "v=DKIM1; k=rsa; p=" + "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA".repeat(9);

    private static TestDns dns;
    private static DNSJavaService james;

    @BeforeAll
    static void start() throws Exception {
        dns = TestDns.builder()
            .host("mx1.example.test", "127.0.0.25")
            .host("mx2.example.test", "127.0.0.26", "fd00::26")
            .mx("example.test", 20, "mx2.example.test")
            .mx("example.test", 10, "mx1.example.test")
            .host("no-mx.test", "127.0.0.27")
            .nullMx("nullmx.test")
            .txt("example.test", SPF)
            .txt("_dmarc.example.test", DMARC)
            .txt("s1._domainkey.example.test", DKIM)
            .txt("_mta-sts.example.test", "v=STSv1; id=20261206T000000;")
            .temporaryFailure("tempfail.test")
            .start();
        XMLConfiguration configuration = new XMLConfiguration();
        new FileHandler(configuration).load(new StringReader(dns.dnsServiceXml()));
        james = new DNSJavaService(new RecordingMetricFactory());
        james.configure(configuration);
        james.init();
    }

    @AfterAll
    static void stop() {
        dns.close();
    }

    @Test
    void jamesListensToTheTestServerOnly() {
        assertThat(james.getDNSServers()).containsExactly(dns.address().getHostAddress());
    }

    @Test
    void mxRecordsComeInPreferenceOrderAndTheirHostsResolve() throws Exception {
        assertThat(james.findMXRecords("example.test")).containsExactly("mx1.example.test.", "mx2.example.test.");
        assertThat(james.getByName("mx1.example.test")).isEqualTo(InetAddress.getByName("127.0.0.25"));
        assertThat(records("mx2.example.test", Type.AAAA)).extracting(Record::rdataToString).containsExactly("fd00:0:0:0:0:0:0:26");
    }

    @Test
    void aDomainWithoutMxFallsBackToItsAddress() throws Exception {
        assertThat(james.findMXRecords("no-mx.test")).containsExactly("no-mx.test");
    }

    @Test
    void nullMxIsTheRootTargetAtPreferenceZero() throws Exception {
        MXRecord nullMx = (MXRecord) records("nullmx.test", Type.MX).get(0);
        assertThat(nullMx.getPriority()).isZero();
        assertThat(nullMx.getTarget()).isEqualTo(Name.root);
        assertThat(james.findMXRecords("nullmx.test")).containsExactly(".");
    }

    @Test
    void txtRecordsHoldTheirTextExactlyLongOnesSplitInto255CharacterStrings() throws Exception {
        assertThat(text("example.test")).isEqualTo(SPF);
        assertThat(text("_dmarc.example.test")).isEqualTo(DMARC);
        assertThat(text("_mta-sts.example.test")).isEqualTo("v=STSv1; id=20261206T000000;");
        TXTRecord dkim = (TXTRecord) records("s1._domainkey.example.test", Type.TXT).get(0);
        assertThat(dkim.getStrings()).hasSize(2).allSatisfy(string -> assertThat(string.length()).isLessThanOrEqualTo(255));
        assertThat(text("s1._domainkey.example.test")).isEqualTo(DKIM);
        assertThat(james.findTXTRecords("example.test")).containsExactly("\"" + SPF + "\"");
    }

    @Test
    void unknownNamesDoNotExist() throws Exception {
        assertThat(lookup("unknown.test", Type.MX).getResult()).isEqualTo(Lookup.HOST_NOT_FOUND);
        assertThat(james.findMXRecords("unknown.test")).isEmpty();
        assertThatThrownBy(() -> james.getByName("unknown.test")).isInstanceOf(UnknownHostException.class);
    }

    @Test
    void aKnownNameWithoutTheAskedTypeHasNoData() throws Exception {
        assertThat(lookup("example.test", Type.A).getResult()).isEqualTo(Lookup.TYPE_NOT_FOUND);
    }

    @Test
    void aTemporaryFailureDomainFailsTemporarilyForJamesAndBelowIt() throws Exception {
        assertThat(lookup("tempfail.test", Type.MX).getResult()).isEqualTo(Lookup.TRY_AGAIN);
        assertThatThrownBy(() -> james.findMXRecords("tempfail.test")).isInstanceOf(TemporaryResolutionException.class);
        assertThatThrownBy(() -> james.findMXRecords("mx.tempfail.test")).isInstanceOf(TemporaryResolutionException.class);
    }

    /** The record's strings as sent on the wire, joined (getStrings() would escape quotes). */
    private static String text(String name) throws Exception {
        return ((TXTRecord) records(name, Type.TXT).get(0)).getStringsAsByteArrays().stream()
            .map(bytes -> new String(bytes, StandardCharsets.US_ASCII)).collect(Collectors.joining());
    }

    private static List<Record> records(String name, int type) throws Exception {
        Lookup lookup = lookup(name, type);
        assertThat(lookup.getResult()).as(name + " " + Type.string(type) + ": " + lookup.getErrorString()).isEqualTo(Lookup.SUCCESSFUL);
        return Arrays.asList(lookup.getAnswers());
    }

    private static Lookup lookup(String name, int type) throws Exception {
        Lookup lookup = new Lookup(name, type);
        lookup.setResolver(new SimpleResolver(dns.address()));
        lookup.setCache(new Cache(DClass.IN));
        lookup.run();
        return lookup;
    }
}
