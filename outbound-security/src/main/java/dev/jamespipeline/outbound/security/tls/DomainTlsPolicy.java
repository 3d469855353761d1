package dev.jamespipeline.outbound.security.tls;

import java.util.Locale;
import java.util.Optional;

import dev.jamespipeline.outbound.security.mtasts.MtaStsLookup;
import dev.jamespipeline.outbound.security.mtasts.MtaStsPolicy;

/**
 * The TLS rules for one destination domain during one delivery: looked up once, then asked for each MX.
 *
 * @param domain              the recipients' domain
 * @param requiredByConfig    the domain is in {@code outbound.tls.required.domains}
 * @param configCertificateEnforced with {@code outbound.tls.required.certificate=verify}
 * @param mtaSts              the domain's MTA-STS state
 */
public record DomainTlsPolicy(String domain, boolean requiredByConfig, boolean configCertificateEnforced, MtaStsLookup mtaSts) {

    public TlsRequirement requirementFor(String mxHost) {
        String mx = mxHost.toLowerCase(Locale.ROOT);
        if (mx.endsWith(".")) {
            mx = mx.substring(0, mx.length() - 1);
        }
        Optional<MtaStsPolicy> policy = mtaSts.activePolicy();
        Optional<String> policyId = policy.flatMap(p -> mtaSts.policyId());
        boolean mxInPolicy = policy.map(p -> p.allowsMx(mxHost)).orElse(true);
        String mxNote = mxInPolicy ? "" : "; MX " + mx + " is not in its mx list " + policy.get().mx();
        if (policy.isPresent() && policy.get().mode() == MtaStsPolicy.Mode.ENFORCE) {
            return new TlsRequirement(domain, mx, TlsPolicy.MTA_STS_ENFORCE, mxInPolicy, true, true, policyId,
                "MTA-STS enforce (id " + policyId.orElse("?") + ")" + mxNote);
        }
        if (requiredByConfig) {
            return new TlsRequirement(domain, mx, TlsPolicy.REQUIRED, mxInPolicy, true, configCertificateEnforced, policyId,
                "outbound.tls.required.domains lists " + domain
                    + (configCertificateEnforced ? " (certificate verified)" : " (any certificate)") + mxNote);
        }
        if (policy.isPresent()) {
            return new TlsRequirement(domain, mx, TlsPolicy.MTA_STS_TESTING, mxInPolicy, false, false, policyId,
                "MTA-STS testing (id " + policyId.orElse("?") + "): failures reported, not enforced" + mxNote);
        }
        return new TlsRequirement(domain, mx, TlsPolicy.OPPORTUNISTIC, true, false, false, Optional.empty(),
            "opportunistic STARTTLS");
    }
}
