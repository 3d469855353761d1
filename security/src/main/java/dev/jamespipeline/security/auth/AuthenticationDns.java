package dev.jamespipeline.security.auth;

import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.DNSServiceMBean;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import com.google.common.base.Suppliers;

/**
 * The DNS the authentication checks ask: the servers of James's {@code dnsservice.xml} (so one file says where
 * James resolves), through a dnsjava resolver of our own with {@code security.auth.dns.timeout.ms}. James's
 * {@code DNSService} API itself cannot serve SPF and DMARC: its TXT lookup answers a timeout with an empty list
 * (a DNS outage would read as "no record") and it has no AAAA lookup.
 */
public final class AuthenticationDns {
    /** What a TXT query found. */
    public record TxtAnswer(Status status, List<String> texts, String error) {
        public enum Status { FOUND, NONE, TEMPERROR }
    }

    private final Supplier<Resolver> resolver;

    /** @param servers the DNS servers' addresses, asked for at first use */
    public AuthenticationDns(Supplier<String[]> servers, Duration timeout) {
        this.resolver = Suppliers.memoize(() -> resolver(servers.get(), timeout));
    }

    /** Asking the servers of James's DNS service, read at first use (after James has configured it). */
    public static AuthenticationDns of(DNSService dns, Duration timeout) {
        return new AuthenticationDns(() -> {
            if (!(dns instanceof DNSServiceMBean configured)) {
                throw new IllegalStateException("The authentication checks need James's dnsjava DNS service "
                    + "(dnsservice.xml), found " + dns.getClass().getName());
            }
            return configured.getDNSServers();
        }, timeout);
    }

    public Resolver resolver() {
        return resolver.get();
    }

    /** The TXT records at {@code name}, each one's strings joined (as SPF, DKIM and DMARC read them). */
    public TxtAnswer txt(String name) {
        Lookup lookup;
        try {
            lookup = new Lookup(Name.fromString(name, Name.root), Type.TXT);
        } catch (TextParseException e) {
            return new TxtAnswer(TxtAnswer.Status.NONE, List.of(), "not a DNS name: " + name);
        }
        lookup.setResolver(resolver());
        Record[] records = lookup.run();
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> new TxtAnswer(TxtAnswer.Status.FOUND, texts(records), null);
            case Lookup.HOST_NOT_FOUND, Lookup.TYPE_NOT_FOUND -> new TxtAnswer(TxtAnswer.Status.NONE, List.of(), null);
            // TRY_AGAIN (timeout, SERVFAIL, REFUSED) and UNRECOVERABLE (FORMERR...): not an answer about the name
            default -> new TxtAnswer(TxtAnswer.Status.TEMPERROR, List.of(), name + ": " + lookup.getErrorString());
        };
    }

    private static List<String> texts(Record[] records) {
        List<String> texts = new ArrayList<>();
        for (Record record : records) {
            if (record instanceof TXTRecord txt) {
                texts.add(String.join("", txt.getStrings()));
            }
        }
        return texts;
    }

    private static Resolver resolver(String[] servers, Duration timeout) {
        try {
            ExtendedResolver resolver = new ExtendedResolver(servers);
            resolver.setTimeout(timeout);
            return resolver;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("dnsservice.xml names a DNS server that is not an address or known host: "
                + e.getMessage(), e);
        }
    }
}
