package dev.jamespipeline.security.auth;

import java.util.List;

/**
 * What the authentication checks found for one message.
 *
 * @param spfMailFrom the MAIL FROM identity's SPF (the HELO's, as {@code postmaster@<helo>}, for the null sender)
 * @param spfHelo     the HELO identity's SPF
 * @param dkim        one result per DKIM-Signature field
 * @param dmarc       DMARC on those
 */
public record AuthenticationVerdict(SpfResult spfMailFrom, SpfResult spfHelo, List<DkimResult> dkim, DmarcResult dmarc) {
    public AuthenticationVerdict {
        dkim = List.copyOf(dkim);
    }

    /** A DNS failure somewhere: retrying later may give another answer. */
    public boolean hasTemporaryError() {
        return spfMailFrom.isTemporaryError() || spfHelo.isTemporaryError()
            || dkim.stream().anyMatch(DkimResult::isTemporaryError) || dmarc.isTemporaryError();
    }

    /** The {@code dkim} verdict: {@code pass} when a signature passed, else the first one's result, {@code none} unsigned. */
    public String dkimSummary() {
        if (dkim.stream().anyMatch(DkimResult::passed)) {
            return "pass";
        }
        return dkim.isEmpty() ? "none" : dkim.get(0).result();
    }
}
