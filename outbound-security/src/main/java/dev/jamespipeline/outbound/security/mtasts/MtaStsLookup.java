package dev.jamespipeline.outbound.security.mtasts;

import java.util.Optional;

/**
 * A domain's MTA-STS state for one delivery.
 *
 * @param policy   the policy in force (fresh or cached), empty when the domain has none or it could not be had
 * @param policyId the TXT record's id of that policy
 * @param problem  why a policy the TXT record announced could not be fetched, when that happened (reported;
 *                 a cached policy may still be in force)
 */
public record MtaStsLookup(Optional<MtaStsPolicy> policy, Optional<String> policyId, Optional<PolicyFetchException> problem) {

    public static final MtaStsLookup NONE = new MtaStsLookup(Optional.empty(), Optional.empty(), Optional.empty());

    /** A policy in mode enforce or testing; mode none means the domain withdrew its policy. */
    public Optional<MtaStsPolicy> activePolicy() {
        return policy.filter(p -> p.mode() != MtaStsPolicy.Mode.NONE);
    }
}
