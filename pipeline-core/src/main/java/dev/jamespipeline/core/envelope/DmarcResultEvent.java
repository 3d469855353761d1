package dev.jamespipeline.core.envelope;

import java.time.Instant;
import java.util.List;

/**
 * The {@code dmarc.result} event, schema version 1, on the telemetry exchange: the authentication stage's DMARC
 * evaluation (RFC 7489) of one message, with the SPF and DKIM results it was made of. DMARC aggregate reports
 * are built from it.
 *
 * @param pipelineId       the message's pipeline id
 * @param headerFromDomain the RFC5322.From domain evaluated ("" when the message has none)
 * @param result           {@code pass}, {@code fail}, {@code none}, {@code temperror} or {@code permerror}
 * @param policy           the published policy applied, or null when no record was found
 * @param disposition      {@code none}, {@code quarantine} or {@code reject}: what the policy asks, after {@code pct}
 * @param spf              the SPF check of the MAIL FROM identity (the HELO's for the null sender)
 * @param dkim             one entry per DKIM-Signature field, in the message's order
 * @param clientIp         the SMTP client's address
 * @param evaluatedAt      when the stage evaluated the message
 */
public record DmarcResultEvent(
        int version,
        String pipelineId,
        String headerFromDomain,
        String result,
        Policy policy,
        String disposition,
        Check spf,
        List<Check> dkim,
        String clientIp,
        Instant evaluatedAt) implements Versioned {

    public static final int VERSION = 1;
    public static final String ROUTING_KEY = "dmarc.result";

    public DmarcResultEvent {
        dkim = List.copyOf(dkim);
    }

    /**
     * The DMARC record that applied.
     *
     * @param domain      where it was found: the From domain or its organisational domain
     * @param p           the domain's policy
     * @param sp          the subdomain policy (p when the record has no sp)
     * @param pct         the percentage of failing mail the policy applies to
     * @param adkim       DKIM alignment: {@code r} relaxed or {@code s} strict
     * @param aspf        SPF alignment: {@code r} or {@code s}
     */
    public record Policy(String domain, String p, String sp, int pct, String adkim, String aspf) {
    }

    /** One SPF or DKIM result and the domain it was about. */
    public record Check(String result, String domain) {
    }
}
