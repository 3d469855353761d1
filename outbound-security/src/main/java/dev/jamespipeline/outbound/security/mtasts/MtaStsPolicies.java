package dev.jamespipeline.outbound.security.mtasts;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

import org.apache.james.dnsservice.api.DNSService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;

/**
 * The MTA-STS policies of destination domains (RFC 8461 sections 3 and 5.1), cached in memory per node.
 *
 * <p>At each delivery the {@code _mta-sts} TXT record is read through James's {@code DNSService} (which has
 * its own DNS cache). The cached policy is used while it is younger than its {@code max_age} and the record's
 * {@code id} is the one it was fetched under; a new id, no cached policy or an expired one means a fetch. When
 * the fetch fails, or the TXT record is gone or unusable, a cached policy that has not expired stays in force
 * (a DNS attacker cannot strip it); without one the domain is treated as having no policy. A failed fetch is
 * not repeated for the same id before {@code failedFetchRetry} has passed, so a policy host that hangs or
 * refuses does not hold up every delivery to its domain (RFC 8461 section 3.3 lets senders rate-limit fetches).
 */
public final class MtaStsPolicies {
    private static final Logger LOGGER = LoggerFactory.getLogger(MtaStsPolicies.class);

    private record Cached(String id, MtaStsPolicy policy, Instant expires) {
    }

    private record FailedFetch(String id, PolicyFetchException error, Instant retryAt) {
    }

    private final DNSService dns;
    private final MtaStsPolicyFetcher fetcher;
    private final Clock clock;
    private final Duration failedFetchRetry;
    private final Cache<String, Cached> cache;
    private final Cache<String, FailedFetch> failures;

    public MtaStsPolicies(DNSService dns, MtaStsPolicyFetcher fetcher, int maxDomains, Duration failedFetchRetry, Clock clock) {
        this.dns = dns;
        this.fetcher = fetcher;
        this.failedFetchRetry = failedFetchRetry;
        this.clock = clock;
        this.cache = CacheBuilder.newBuilder().maximumSize(maxDomains).build();
        this.failures = CacheBuilder.newBuilder().maximumSize(maxDomains).build();
    }

    public MtaStsLookup lookup(String recipientDomain) {
        String domain = recipientDomain.toLowerCase(Locale.ROOT);
        Optional<String> id = MtaStsRecord.policyId(dns.findTXTRecords("_mta-sts." + domain));
        Optional<Cached> cached = unexpired(domain);
        if (id.isEmpty()) {
            return cached.map(MtaStsPolicies::found).orElse(MtaStsLookup.NONE);
        }
        if (cached.isPresent() && cached.get().id().equals(id.get())) {
            return found(cached.get());
        }
        FailedFetch failed = failures.getIfPresent(domain);
        if (failed != null && failed.id().equals(id.get()) && clock.instant().isBefore(failed.retryAt())) {
            return withCached(cached, failed.error());
        }
        try {
            MtaStsPolicy policy = fetcher.fetch(domain);
            Cached fresh = new Cached(id.get(), policy, clock.instant().plus(policy.maxAge()));
            cache.put(domain, fresh);
            failures.invalidate(domain);
            return found(fresh);
        } catch (PolicyFetchException e) {
            LOGGER.warn("MTA-STS policy of {} (id {}) not fetched{}, next try in {} s: {}", domain, id.get(),
                cached.map(c -> ", the cached one (id " + c.id() + ") stays in force").orElse(""),
                failedFetchRetry.toSeconds(), e.getMessage());
            failures.put(domain, new FailedFetch(id.get(), e, clock.instant().plus(failedFetchRetry)));
            return withCached(cached, e);
        }
    }

    private static MtaStsLookup withCached(Optional<Cached> cached, PolicyFetchException problem) {
        return new MtaStsLookup(cached.map(Cached::policy), cached.map(Cached::id), Optional.of(problem));
    }

    private Optional<Cached> unexpired(String domain) {
        Cached cached = cache.getIfPresent(domain);
        if (cached == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(cached.expires())) {
            cache.invalidate(domain);
            return Optional.empty();
        }
        return Optional.of(cached);
    }

    private static MtaStsLookup found(Cached cached) {
        return new MtaStsLookup(Optional.of(cached.policy()), Optional.of(cached.id()), Optional.empty());
    }
}
