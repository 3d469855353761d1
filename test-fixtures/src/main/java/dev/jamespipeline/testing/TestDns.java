package dev.jamespipeline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A real DNS server for tests: dnsmasq (Debian package dnsmasq-base) on port 53 of a loopback address of its
 * own (127.0.53.x), answering only the records its builder was given, with TTL 0 so nothing is cached. Unknown
 * names are NXDOMAIN, a known name without the asked type is NODATA, and a {@link Builder#temporaryFailure}
 * domain is answered REFUSED at once (dnsmasq's answer for a domain with no upstream server), which dnsjava's
 * {@code Lookup} reports as {@code TRY_AGAIN} like a SERVFAIL, and James's {@code DNSService} as a
 * {@code TemporaryResolutionException}.
 * <p>
 * James's DNSService (dnsjava) asks port 53 of the servers of {@code dnsservice.xml}: {@link #dnsServiceXml()}
 * is that file pointing at this server only.
 */
public final class TestDns implements AutoCloseable {
    private static final String DNSMASQ = "/usr/sbin/dnsmasq";
    private static final int PORT = 53;

    private final InetAddress address;
    private final PeerDaemon daemon;
    private final Path directory;

    private TestDns(InetAddress address, PeerDaemon daemon, Path directory) {
        this.address = address;
        this.daemon = daemon;
        this.directory = directory;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The address whose port 53 answers (UDP and TCP). */
    public InetAddress address() {
        return address;
    }

    /** James's {@code dnsservice.xml} asking this server only (no autodiscovery of the machine's resolvers). */
    public String dnsServiceXml() {
        return "<?xml version=\"1.0\"?>\n<dnsservice>\n  <servers>\n    <server>" + address.getHostAddress() + "</server>\n"
            + "  </servers>\n  <autodiscover>false</autodiscover>\n  <authoritative>false</authoritative>\n"
            + "  <maxcachesize>50000</maxcachesize>\n</dnsservice>\n";
    }

    /** dnsmasq's output, every query logged: for a failing test's message. */
    public String log() {
        try {
            return Files.readString(daemon.log(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        daemon.close();
        PeerDaemon.deleteDirectory(directory);
    }

    /** The records, in dnsmasq's configuration syntax (one option a line). */
    public static final class Builder {
        private final List<String> options = new ArrayList<>();

        private Builder() {
        }

        /** A and AAAA records: {@code name} resolves to each of {@code addresses} (IPv4 or IPv6 literals). */
        public Builder host(String name, String... addresses) {
            for (String literal : addresses) {
                // A literal only: InetAddress would look a name up.
                if (!literal.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
                    throw new IllegalArgumentException("not an IPv4 or IPv6 literal: " + literal);
                }
                options.add("host-record=" + checked(name) + "," + PeerDaemon.address(literal).getHostAddress());
            }
            return this;
        }

        /** An MX record: mail for {@code domain} goes to {@code exchange} at {@code preference} (lower first). */
        public Builder mx(String domain, int preference, String exchange) {
            if (preference < 0 || preference > 65535) {
                throw new IllegalArgumentException("MX preference out of 0..65535: " + preference);
            }
            options.add("mx-host=" + checked(domain) + "," + checked(exchange) + "," + preference);
            return this;
        }

        /** The null MX of RFC 7505 ({@code MX 0 .}): {@code domain} accepts no mail. dnsmasq serves the root target as given. */
        public Builder nullMx(String domain) {
            return mx(domain, 0, ".");
        }

        /**
         * A TXT record (SPF, DMARC, DKIM keys, {@code _mta-sts}) holding {@code text} exactly: split into strings
         * of 255 characters as DNS requires (a 2048-bit DKIM key is longer), which a reader joins again. Given
         * as raw data encoded by dnsjava, so quotes, commas and semicolons need no escaping.
         */
        public Builder txt(String name, String text) {
            if (!text.matches("[ -~]*")) {
                throw new IllegalArgumentException("TXT text is printable ASCII here (SPF, DKIM, DMARC, MTA-STS are): " + text);
            }
            List<String> strings = new ArrayList<>();
            for (int start = 0; start < text.length(); start += 255) {
                // dnsjava reads its strings in zone-file syntax: a backslash or quote stands for itself once escaped.
                strings.add(text.substring(start, Math.min(text.length(), start + 255)).replace("\\", "\\\\").replace("\"", "\\\""));
            }
            if (strings.isEmpty()) {
                strings.add("");
            }
            TXTRecord record = new TXTRecord(name(name), DClass.IN, 0, strings);
            return raw(name, Type.TXT, record.rdataToWireCanonical());
        }

        /** {@code domain} and every name below it fail temporarily: answered REFUSED at once. */
        public Builder temporaryFailure(String domain) {
            options.add("server=/" + checked(domain) + "/#");
            return this;
        }

        private Builder raw(String name, int type, byte[] rdata) {
            options.add("dns-rr=" + checked(name) + "," + type + "," + HexFormat.of().formatHex(rdata));
            return this;
        }

        /** Starts dnsmasq on a free 127.0.53.x; fails with one line when dnsmasq-base is missing or not root. */
        public TestDns start() {
            PeerDaemon.requireProgram(DNSMASQ, "dnsmasq-base");
            Path directory = PeerDaemon.workDirectory("test-dns");
            for (int attempt = 0; attempt < 5; attempt++) {
                InetAddress address = PeerDaemon.freeLoopbackAddress("127.0.53.", PORT, true);
                Path configuration = directory.resolve("dnsmasq-" + address.getHostAddress() + ".conf");
                List<String> lines = new ArrayList<>(List.of(
                    "port=" + PORT, "listen-address=" + address.getHostAddress(), "bind-interfaces",
                    // Nothing from the machine: no /etc/resolv.conf upstreams, no /etc/hosts, no pid file.
                    "no-resolv", "no-hosts", "pid-file=", "log-queries", "log-facility=-",
                    // Every name not given here is answered NXDOMAIN, never forwarded.
                    "local=/#/"));
                lines.addAll(options);
                try {
                    Files.write(configuration, lines, StandardCharsets.UTF_8);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                PeerDaemon daemon = PeerDaemon.start(List.of(DNSMASQ, "--keep-in-foreground", "--conf-file=" + configuration),
                    directory.resolve("dnsmasq.log"), address, PORT);
                if (daemon != null) {
                    return new TestDns(address, daemon, directory);
                }
            }
            throw new IllegalStateException("dnsmasq found no free 127.0.53.x:53 in 5 attempts (see " + directory + ")");
        }

        private static Name name(String name) {
            try {
                return Name.fromString(checked(name), Name.root);
            } catch (TextParseException e) {
                throw new IllegalArgumentException("not a DNS name: " + name, e);
            }
        }

        /** A DNS name that cannot break dnsmasq's option syntax. */
        private static String checked(String name) {
            if (!name.matches("[A-Za-z0-9_.-]+")) {
                throw new IllegalArgumentException("not a DNS name this fixture serves (letters, digits, '_', '-', '.'): " + name);
            }
            return name;
        }
    }
}
