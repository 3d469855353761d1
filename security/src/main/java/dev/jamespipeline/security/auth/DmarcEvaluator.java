package dev.jamespipeline.security.auth;

import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import com.google.common.hash.Hashing;

import dev.jamespipeline.security.auth.AuthenticationDns.TxtAnswer;

/**
 * DMARC (RFC 7489) on the SPF and DKIM results: the policy of the author domain (the RFC5322.From domain) or of
 * its organisational domain, identifier alignment, and the disposition after {@code pct}.
 *
 * <p>{@code pct} sampling is deterministic: a message is in the sample when the SHA-256 of its pipeline id, taken
 * modulo 100, is below pct, so a retried stage decides as the first attempt did.
 */
public final class DmarcEvaluator {
    /** Where DMARC records are read: DNS TXT in production. */
    public interface Records {
        TxtAnswer txt(String name);
    }

    private final Records records;

    public DmarcEvaluator(Records records) {
        this.records = records;
    }

    /**
     * @param authorDomains the domains of the From field(s): none when the message has no From; several when it
     *                      names several (each is evaluated, and the strictest failing one decides, section 6.6.1)
     * @param spf           the MAIL FROM identity's SPF result (the HELO's for the null sender)
     * @param messageId     what the pct sample is drawn on
     */
    public DmarcResult evaluate(List<String> authorDomains, SpfResult spf, List<DkimResult> dkim, String messageId) {
        if (authorDomains.isEmpty()) {
            return DmarcResult.withoutPolicy("none", "", "no From header field");
        }
        return authorDomains.stream()
            .distinct()
            .map(domain -> evaluate(domain, spf, dkim, messageId))
            .max(Comparator.comparingInt(DmarcResult::severity))
            .orElseThrow();
    }

    private DmarcResult evaluate(String authorDomain, SpfResult spf, List<DkimResult> dkim, String messageId) {
        if (authorDomain.isEmpty() || !SpfCheck.isDomainName(authorDomain)) {
            return DmarcResult.withoutPolicy("permerror", authorDomain, "From has no usable domain");
        }
        String organizational = OrganizationalDomain.of(authorDomain);
        Lookup found = lookup(authorDomain);
        if (found.record().isEmpty() && found.problem() == null && !organizational.equals(authorDomain)) {
            found = lookup(organizational);
        }
        if (found.problem() != null) {
            return DmarcResult.withoutPolicy(found.problem().result(), authorDomain, found.problem().reason());
        }
        if (found.record().isEmpty()) {
            return DmarcResult.withoutPolicy("none", authorDomain, "");
        }
        DmarcRecord record = found.record().get();
        boolean spfAligned = "pass".equals(spf.result()) && OrganizationalDomain.aligned(spf.domain(), authorDomain, record.aspf());
        boolean dkimAligned = dkim.stream()
            .anyMatch(result -> result.passed() && OrganizationalDomain.aligned(result.domain(), authorDomain, record.adkim()));
        if (spfAligned || dkimAligned) {
            return new DmarcResult("pass", authorDomain, Optional.of(record), "none", "");
        }
        if (spf.isTemporaryError() || dkim.stream().anyMatch(DkimResult::isTemporaryError)) {
            // It might have passed: a DNS outage must not reject or quarantine.
            return new DmarcResult("temperror", authorDomain, Optional.of(record), "none", "SPF or DKIM temporary error");
        }
        String policy = record.domain().equals(authorDomain) ? record.p() : record.sp();
        boolean sampled = inSample(messageId, record.pct());
        return new DmarcResult("fail", authorDomain, Optional.of(record), sampled ? policy : relaxed(policy),
            "no aligned SPF or DKIM pass" + (sampled ? "" : "; not in the pct=" + record.pct() + " sample"));
    }

    /** Section 6.6.4: mail left out of the sample gets the next less strict policy. */
    private static String relaxed(String policy) {
        return "reject".equals(policy) ? "quarantine" : "none";
    }

    static boolean inSample(String messageId, int pct) {
        int bucket = Math.floorMod(Hashing.sha256().hashString(messageId, StandardCharsets.UTF_8).asInt(), 100);
        return bucket < pct;
    }

    private record Problem(String result, String reason) {
    }

    private record Lookup(Optional<DmarcRecord> record, Problem problem) {
    }

    /** Section 6.6.3: the one DMARC record at {@code _dmarc.<domain>}, none when there are none or several. */
    private Lookup lookup(String domain) {
        TxtAnswer answer = records.txt("_dmarc." + domain);
        if (answer.status() == TxtAnswer.Status.TEMPERROR) {
            return new Lookup(Optional.empty(), new Problem("temperror", "DMARC record lookup failed: " + answer.error()));
        }
        List<String> dmarc = answer.texts().stream().filter(DmarcRecord::isDmarc).toList();
        if (dmarc.size() != 1) {
            return new Lookup(Optional.empty(), null);
        }
        try {
            return new Lookup(Optional.of(DmarcRecord.parse(domain, dmarc.get(0))), null);
        } catch (DmarcRecord.InvalidRecordException e) {
            return new Lookup(Optional.empty(), new Problem("permerror", e.getMessage()));
        }
    }
}
