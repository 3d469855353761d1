package dev.jamespipeline.outbound;

/**
 * What one connection to one MX host must have, as a TLS policy decided it.
 *
 * @param mode          how STARTTLS is used
 * @param mtaStsPolicy  the MTA-STS policy mode behind the decision ({@code none} without one), reported in {@code smtp.delivery.result}
 * @param mtaStsOutcome what the policy decided, reported likewise ("" without one)
 */
public record TlsRequirement(Mode mode, String mtaStsPolicy, String mtaStsOutcome) {

    public enum Mode {
        /** STARTTLS when offered, any certificate accepted; clear text otherwise. */
        OPPORTUNISTIC,
        /** STARTTLS required, and the certificate must be valid for the MX host name; else this host is a temporary failure. */
        REQUIRED_VERIFIED,
        /** Do not connect to this host at all (e.g. an MX an enforced MTA-STS policy does not list): a temporary failure. */
        REFUSED
    }

    public static final TlsRequirement OPPORTUNISTIC = new TlsRequirement(Mode.OPPORTUNISTIC, "none", "");
}
