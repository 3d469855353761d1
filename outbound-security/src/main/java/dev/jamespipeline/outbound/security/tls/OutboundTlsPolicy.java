package dev.jamespipeline.outbound.security.tls;

import java.io.Closeable;
import java.io.IOException;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;

import org.apache.james.dnsservice.api.DNSService;

import dev.jamespipeline.outbound.security.OutboundSecuritySettings;
import dev.jamespipeline.outbound.security.mtasts.MtaStsLookup;
import dev.jamespipeline.outbound.security.mtasts.MtaStsPolicies;
import dev.jamespipeline.outbound.security.mtasts.MtaStsPolicyFetcher;

/**
 * How remote delivery uses TLS: what the delivery worker asks before and after each connection.
 *
 * <pre>
 * DomainTlsPolicy domainPolicy = tls.forDomain(domain);           // once per delivery (MTA-STS lookup)
 * for each MX, in preference order:
 *     TlsRequirement requirement = domainPolicy.requirementFor(mx);
 *     if (!requirement.mayUseMx()) {                // an MX an MTA-STS enforce policy does not list
 *         publish OutboundTlsPolicy.refusedOutcome(requirement); continue;
 *     }
 *     MxTlsSession session = tls.sessionFor(requirement);  // javax.mail properties, then the TlsOutcome
 * </pre>
 *
 * A connection the requirement refuses (no STARTTLS where it is required, an enforced certificate that fails)
 * ends in a javax.mail exception before any mail command, so nothing goes in clear; the outcome says why.
 *
 * A delivery refused by an MTA-STS {@code enforce} policy is a temporary failure: RFC 8461 section 5.1 forbids
 * bouncing it before the policy was looked up again (which the next attempt does).
 */
public final class OutboundTlsPolicy implements Closeable {
    private final OutboundSecuritySettings settings;
    private final CertificateTrust trust;
    private final Optional<MtaStsPolicies> mtaSts;
    private final Optional<MtaStsPolicyFetcher> fetcher;

    private OutboundTlsPolicy(OutboundSecuritySettings settings, CertificateTrust trust, Optional<MtaStsPolicyFetcher> fetcher,
                              Optional<MtaStsPolicies> mtaSts) {
        this.settings = settings;
        this.trust = trust;
        this.fetcher = fetcher;
        this.mtaSts = mtaSts;
    }

    public static OutboundTlsPolicy create(OutboundSecuritySettings settings, DNSService dns) {
        return create(settings, dns, Clock.systemUTC());
    }

    /** @param clock what MTA-STS policy ages are measured with */
    public static OutboundTlsPolicy create(OutboundSecuritySettings settings, DNSService dns, Clock clock) {
        CertificateTrust trust = CertificateTrust.load(settings.trustStore());
        if (settings.mtaSts() == OutboundSecuritySettings.Switch.DISABLED) {
            return new OutboundTlsPolicy(settings, trust, Optional.empty(), Optional.empty());
        }
        MtaStsPolicyFetcher fetcher = new MtaStsPolicyFetcher(dns, trust.sslContext(trust.trustManager()),
            settings.mtaStsFetchTimeout(), settings.mtaStsMaxPolicyBytes());
        return new OutboundTlsPolicy(settings, trust, Optional.of(fetcher),
            Optional.of(new MtaStsPolicies(dns, fetcher, settings.mtaStsCacheDomains(), settings.mtaStsFailedFetchRetry(), clock)));
    }

    /** The domain's rules for this delivery; looks its MTA-STS policy up (DNS, and HTTPS when it changed). */
    public DomainTlsPolicy forDomain(String recipientDomain) {
        String domain = recipientDomain.toLowerCase(Locale.ROOT);
        return new DomainTlsPolicy(domain,
            settings.requiredTlsDomains().contains(domain),
            settings.requiredCertificate() == OutboundSecuritySettings.CertificateRequirement.VERIFY,
            mtaSts.map(policies -> policies.lookup(domain)).orElse(MtaStsLookup.NONE));
    }

    public TlsRequirement requirementFor(String domain, String mxHost) {
        return forDomain(domain).requirementFor(mxHost);
    }

    /** TLS for one connection to the requirement's MX (which it must allow: {@link TlsRequirement#mayUseMx()}). */
    public MxTlsSession sessionFor(TlsRequirement requirement) {
        return new MxTlsSession(requirement, trust);
    }

    /** The outcome to publish for an MX the policy did not let the worker connect to. */
    public static TlsOutcome refusedOutcome(TlsRequirement requirement) {
        return new TlsOutcome(requirement.policy(), requirement.mtaStsPolicyId().orElse(null), false, false, null, null,
            TlsOutcome.Result.VALIDATION_FAILURE, requirement.reason(), true);
    }

    @Override
    public void close() throws IOException {
        if (fetcher.isPresent()) {
            fetcher.get().close();
        }
    }
}
