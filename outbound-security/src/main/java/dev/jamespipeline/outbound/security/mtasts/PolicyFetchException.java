package dev.jamespipeline.outbound.security.mtasts;

/** The policy of a domain that announces one could not be had; {@link #kind()} says why in RFC 8460 terms. */
public final class PolicyFetchException extends Exception {

    /** RFC 8460 section 4.3.2.2 failure types of policy discovery. */
    public enum Kind {
        /** The HTTPS request failed: connection, timeout, status other than 200, wrong content type, too large. */
        FETCH_ERROR("sts-policy-fetch-error"),
        /** The body is not a valid policy. */
        POLICY_INVALID("sts-policy-invalid"),
        /** The policy host's certificate is not valid for {@code mta-sts.<domain>}. */
        WEBPKI_INVALID("sts-webpki-invalid");

        private final String tlsRptType;

        Kind(String tlsRptType) {
            this.tlsRptType = tlsRptType;
        }

        public String tlsRptType() {
            return tlsRptType;
        }
    }

    private final Kind kind;

    public PolicyFetchException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
