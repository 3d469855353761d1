package dev.jamespipeline.outbound.security.tls;

import java.util.Optional;

/**
 * How remote delivery must use TLS with one MX host of one destination domain.
 *
 * @param domain               the recipients' domain
 * @param mxHost               the MX host name (as in the MX record, without the trailing dot)
 * @param policy               the rule that decided
 * @param mxInPolicy           false when the domain's MTA-STS policy does not list this MX (true without a policy)
 * @param starttlsRequired     no delivery in clear: an MX that does not offer STARTTLS is not used
 * @param certificateEnforced  the MX's certificate must chain to a trusted authority and match the MX name,
 *                             otherwise the connection is dropped; when false it is checked and reported only
 * @param mtaStsPolicyId       the {@code id} of the MTA-STS policy that applied, for reports
 * @param reason               one line for logs and the delivery result
 */
public record TlsRequirement(
        String domain,
        String mxHost,
        TlsPolicy policy,
        boolean mxInPolicy,
        boolean starttlsRequired,
        boolean certificateEnforced,
        Optional<String> mtaStsPolicyId,
        String reason) {

    /** False when this MX must not be tried at all (MTA-STS {@code enforce} and an MX the policy does not list). */
    public boolean mayUseMx() {
        return mxInPolicy || policy != TlsPolicy.MTA_STS_ENFORCE;
    }
}
