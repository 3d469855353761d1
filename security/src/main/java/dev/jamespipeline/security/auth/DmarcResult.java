package dev.jamespipeline.security.auth;

import java.util.Optional;

/**
 * A message's DMARC evaluation (RFC 7489): {@code pass}, {@code fail}, {@code none} (no policy, or no From),
 * {@code temperror} (DNS failed for now, or a check that could have passed did) or {@code permerror} (the
 * From has no domain, or the policy record is unusable).
 *
 * @param fromDomain  the author domain the result is about ("" without one)
 * @param record      the policy record that applied
 * @param disposition {@code none}, {@code quarantine} or {@code reject}: what to do with the message, after pct
 * @param reason      why, for the Authentication-Results field ("" for a plain pass or none)
 */
public record DmarcResult(String result, String fromDomain, Optional<DmarcRecord> record, String disposition, String reason) {
    public static DmarcResult withoutPolicy(String result, String fromDomain, String reason) {
        return new DmarcResult(result, fromDomain, Optional.empty(), "none", reason);
    }

    public boolean isTemporaryError() {
        return "temperror".equals(result);
    }

    /** Which of two results about different author domains decides a message with both (section 6.6.1). */
    static int severity(DmarcResult result) {
        int disposition = switch (result.disposition()) {
            case "reject" -> 2;
            case "quarantine" -> 1;
            default -> 0;
        };
        int outcome = switch (result.result()) {
            case "fail" -> 4;
            case "temperror" -> 3;
            case "permerror" -> 2;
            case "none" -> 1;
            default -> 0;
        };
        return disposition * 10 + outcome;
    }
}
