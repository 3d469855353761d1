package dev.jamespipeline.security.auth;

/**
 * One SPF check (RFC 7208): {@code pass}, {@code fail}, {@code softfail}, {@code neutral}, {@code none},
 * {@code temperror} or {@code permerror}.
 *
 * @param identity the checked identity: the MAIL FROM address ({@code postmaster@<helo>} for the null sender),
 *                 or the HELO name
 * @param domain   the domain whose record decided ("" when the identity has none)
 */
public record SpfResult(String result, String identity, String domain) {
    public boolean isTemporaryError() {
        return "temperror".equals(result);
    }
}
