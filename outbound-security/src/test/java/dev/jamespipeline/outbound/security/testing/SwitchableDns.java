package dev.jamespipeline.outbound.security.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Collection;

import org.apache.james.dnsservice.api.DNSService;
import org.apache.james.dnsservice.api.TemporaryResolutionException;

/**
 * James's DNS service asking one real test DNS server, then another: a zone that changes (a new MTA-STS id, a
 * record withdrawn) between two lookups of one test. dnsmasq serves fixed records, so each version of the zone
 * is its own server.
 */
public final class SwitchableDns implements DNSService {
    private volatile DNSService current;

    public SwitchableDns(DNSService first) {
        this.current = first;
    }

    public void switchTo(DNSService next) {
        this.current = next;
    }

    @Override
    public Collection<String> findMXRecords(String hostname) throws TemporaryResolutionException {
        return current.findMXRecords(hostname);
    }

    @Override
    public Collection<String> findTXTRecords(String hostname) {
        return current.findTXTRecords(hostname);
    }

    @Override
    public Collection<InetAddress> getAllByName(String host) throws UnknownHostException {
        return current.getAllByName(host);
    }

    @Override
    public InetAddress getByName(String host) throws UnknownHostException {
        return current.getByName(host);
    }

    @Override
    public InetAddress getLocalHost() throws UnknownHostException {
        return current.getLocalHost();
    }

    @Override
    public String getHostName(InetAddress addr) {
        return current.getHostName(addr);
    }
}
