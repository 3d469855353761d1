package dev.jamespipeline.outbound.security.tls;

import java.util.Locale;

/** Which rule decided how one delivery attempt uses TLS, strongest last. */
public enum TlsPolicy {
    /** STARTTLS when the MX offers it, any certificate accepted (its validity is still reported); else in clear. */
    OPPORTUNISTIC,
    /** The domain publishes an MTA-STS policy in {@code testing} mode: opportunistic, failures reported only. */
    MTA_STS_TESTING,
    /** The domain is in {@code outbound.tls.required.domains}: STARTTLS or no delivery. */
    REQUIRED,
    /** The domain publishes an MTA-STS policy in {@code enforce} mode: a listed MX, STARTTLS and a valid certificate for its name, or no delivery. */
    MTA_STS_ENFORCE;

    /** The name events and logs use: {@code opportunistic}, {@code mta-sts-testing}, {@code required}, {@code mta-sts-enforce}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
