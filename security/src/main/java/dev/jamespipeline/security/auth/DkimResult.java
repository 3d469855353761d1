package dev.jamespipeline.security.auth;

/**
 * One DKIM-Signature field's verification (RFC 6376, results as RFC 8601 names them): {@code pass}, {@code fail}
 * (it does not verify), {@code permerror} (it cannot be verified: bad syntax, no key), {@code temperror} (the key
 * lookup failed for now), {@code policy} (not verified: over the signature limit).
 *
 * @param domain   its d= ("" when the field does not parse)
 * @param selector its s= ("" when the field does not parse)
 * @param reason   why it did not pass ("" when it passed)
 */
public record DkimResult(String result, String domain, String selector, String reason) {
    public boolean passed() {
        return "pass".equals(result);
    }

    public boolean isTemporaryError() {
        return "temperror".equals(result);
    }
}
