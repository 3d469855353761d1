package dev.jamespipeline.outbound;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;
import org.apache.james.dnsservice.library.MXHostAddressIterator;
import org.apache.mailet.HostAddress;

/**
 * Where mail for a domain goes, through James's {@link DNSService} as RemoteDelivery asks it: MX
 * records in preference order (equal preferences shuffled, by James), the domain's own A/AAAA
 * when it has no MX, and every address of every host ({@link MXHostAddressIterator}), to be tried
 * in that order.
 */
final class MxResolver {
    /** RFC 7505: a single MX of preference 0 with target "." says the domain accepts no mail. */
    private static final String NULL_MX = ".";

    sealed interface Resolution {
    }

    record Hosts(List<HostAddress> hosts) implements Resolution {
    }

    /** Retrying cannot help: null MX, or no such domain (no MX and no address). */
    record Permanent(String status, String reason) implements Resolution {
    }

    record Temporary(String reason) implements Resolution {
    }

    private final DNSService dns;
    private final int port;

    MxResolver(DNSService dns, int port) {
        this.dns = dns;
        this.port = port;
    }

    @SuppressWarnings("deprecation")
    Resolution resolve(String domain) {
        Collection<String> records;
        try {
            records = dns.findMXRecords(domain);
        } catch (TemporaryResolutionException e) {
            return new Temporary("DNS lookup of " + domain + " failed temporarily: " + e.getMessage());
        }
        if (records.stream().anyMatch(MxResolver::isNullMx)) {
            return new Permanent("5.1.10", domain + " accepts no mail (null MX, RFC 7505)");
        }
        if (records.isEmpty()) {
            // James answers an MX lookup without records with the domain's own address; none at all is NXDOMAIN
            // (or a domain with neither MX nor address records, which cannot receive mail either).
            return new Permanent("5.1.2", domain + " has no MX and no address record (no such domain)");
        }
        List<String> withPort = records.stream().map(host -> port == 25 ? host : host + ":" + port).toList();
        List<HostAddress> hosts = new ArrayList<>();
        new MXHostAddressIterator(withPort.iterator(), dns, false).forEachRemaining(hosts::add);
        if (hosts.isEmpty()) {
            return new Temporary("no address found for the MX hosts of " + domain + ": " + String.join(", ", records));
        }
        return new Hosts(hosts);
    }

    private static boolean isNullMx(String record) {
        return record.equals(NULL_MX) || record.isEmpty();
    }
}
