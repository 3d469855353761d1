package dev.jamespipeline.outbound.security.tls;

import java.util.Map;

/**
 * TLS for one SMTP connection to one MX, as javax.mail's {@code SMTPTransport} (the client James's remote
 * delivery uses) runs it: the session properties to add, then, after the attempt, what happened.
 *
 * <pre>
 * MxTlsSession tls = policy.sessionFor(requirement);
 * Properties props = ...; props.putAll(tls.javaMailProperties());
 * transport.connect(...)   // STARTTLS when offered; when required and not offered, or the certificate is
 *                          // enforced and bad, javax.mail throws and nothing is sent in clear
 * TlsOutcome outcome = tls.outcome(transport.supportsExtension("STARTTLS"));
 * </pre>
 */
public final class MxTlsSession {
    private final TlsRequirement requirement;
    private final MxCertificateCheck check;
    private final MxSslSocketFactory socketFactory;

    MxTlsSession(TlsRequirement requirement, CertificateTrust trust) {
        if (!requirement.mayUseMx()) {
            throw new IllegalArgumentException("The TLS policy forbids this MX: " + requirement.reason());
        }
        this.requirement = requirement;
        this.check = new MxCertificateCheck(trust.trustManager(), requirement.certificateEnforced());
        this.socketFactory = new MxSslSocketFactory(trust.sslContext(check).getSocketFactory(), requirement.mxHost(), check);
    }

    public TlsRequirement requirement() {
        return requirement;
    }

    /**
     * The {@code mail.smtp.*} properties for this connection. javax.mail's own server identity check is off
     * because it would compare the certificate with the address connected to; ours compares it with the MX name.
     */
    public Map<String, Object> javaMailProperties() {
        return Map.of(
            "mail.smtp.starttls.enable", "true",
            "mail.smtp.starttls.required", Boolean.toString(requirement.starttlsRequired()),
            "mail.smtp.ssl.checkserveridentity", "false",
            "mail.smtp.ssl.socketFactory", socketFactory);
    }

    /**
     * What happened, once the connection was made or failed.
     *
     * @param starttlsOffered whether the MX's EHLO reply listed STARTTLS ({@code SMTPTransport.supportsExtension});
     *                        a STARTTLS handshake this session saw counts as offered too
     */
    public TlsOutcome outcome(boolean starttlsOffered) {
        boolean offered = starttlsOffered || check.handshakeStarted();
        boolean used = check.accepted() && check.protocol() != null;
        String policyId = requirement.mtaStsPolicyId().orElse(null);
        TlsOutcome.Result result;
        String detail = null;
        boolean refused = false;
        if (!requirement.mxInPolicy()) {
            // an MTA-STS testing policy that does not list this MX (enforce never gets here): reported only
            result = TlsOutcome.Result.VALIDATION_FAILURE;
            detail = requirement.reason();
        } else if (!offered) {
            result = TlsOutcome.Result.STARTTLS_NOT_SUPPORTED;
            detail = "the MX did not offer STARTTLS";
            refused = requirement.starttlsRequired();
        } else if (check.problem() != null) {
            result = check.problem();
            detail = check.problemDetail();
            refused = requirement.certificateEnforced();
        } else if (used) {
            result = TlsOutcome.Result.SUCCESS;
        } else {
            result = TlsOutcome.Result.VALIDATION_FAILURE;
            detail = "the TLS handshake did not complete";
            refused = requirement.starttlsRequired();
        }
        return new TlsOutcome(requirement.policy(), policyId, offered, used,
            used ? check.protocol() : null, used ? check.cipherSuite() : null, result, detail, refused);
    }
}
