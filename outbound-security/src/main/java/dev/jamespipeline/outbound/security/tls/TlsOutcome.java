package dev.jamespipeline.outbound.security.tls;

/**
 * What happened with TLS in one delivery attempt: the TLS part of the {@code smtp.delivery.result} event.
 *
 * @param policy          the rule that applied
 * @param mtaStsPolicyId  the MTA-STS policy's id, null without one
 * @param starttlsOffered the MX announced STARTTLS in its EHLO reply
 * @param starttlsUsed    the TLS handshake reached an accepted certificate, so the session was encrypted
 * @param tlsVersion      the negotiated protocol (TLSv1.3...), null when not encrypted
 * @param cipherSuite     the negotiated cipher suite, null when not encrypted
 * @param result          the outcome in RFC 8460 (TLS reporting) terms
 * @param detail          the certificate or policy problem in words, null on success
 * @param refused         the policy stopped this delivery attempt (the MX was skipped or the connection dropped)
 */
public record TlsOutcome(
        TlsPolicy policy,
        String mtaStsPolicyId,
        boolean starttlsOffered,
        boolean starttlsUsed,
        String tlsVersion,
        String cipherSuite,
        Result result,
        String detail,
        boolean refused) {

    /** RFC 8460 section 4.3 result types, plus success. */
    public enum Result {
        SUCCESS("success"),
        STARTTLS_NOT_SUPPORTED("starttls-not-supported"),
        CERTIFICATE_HOST_MISMATCH("certificate-host-mismatch"),
        CERTIFICATE_EXPIRED("certificate-expired"),
        CERTIFICATE_NOT_TRUSTED("certificate-not-trusted"),
        /** The handshake failed for another reason, or the MX is not one the MTA-STS policy lists. */
        VALIDATION_FAILURE("validation-failure");

        private final String tlsRptType;

        Result(String tlsRptType) {
            this.tlsRptType = tlsRptType;
        }

        /** The result type as TLS reports (RFC 8460) name it. */
        public String tlsRptType() {
            return tlsRptType;
        }
    }
}
