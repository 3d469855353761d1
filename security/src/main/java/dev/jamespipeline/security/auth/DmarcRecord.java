package dev.jamespipeline.security.auth;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A DMARC policy record (RFC 7489 section 6.3) as published at {@code _dmarc.<domain>}: the tags evaluation uses.
 * Unknown tags are ignored; a known tag with a bad value takes its default, except {@code p}, without which the
 * record counts only when it asks for reports ({@code rua}, then as {@code p=none}, section 6.6.3).
 *
 * @param domain where it was published (the author domain or its organisational domain)
 * @param p      the policy: {@code none}, {@code quarantine} or {@code reject}
 * @param sp     the policy for subdomains of {@code domain} ({@code p} when absent)
 * @param pct    0..100: the share of failing mail the policy applies to
 * @param adkim  {@code r} (relaxed, the default) or {@code s} (strict)
 * @param aspf   {@code r} or {@code s}
 */
public record DmarcRecord(String domain, String p, String sp, int pct, String adkim, String aspf) {

    /** Why a TXT record at {@code _dmarc.} is not a usable policy. */
    public static final class InvalidRecordException extends Exception {
        InvalidRecordException(String message) {
            super(message);
        }
    }

    /** A TXT text that is a DMARC record: it starts with {@code v=DMARC1} (section 6.6.3 discards the others). */
    public static boolean isDmarc(String text) {
        return text.trim().matches("(?i)v\\s*=\\s*DMARC1\\s*(;.*)?");
    }

    /** @throws InvalidRecordException a DMARC record without a valid {@code p} that asks for no reports */
    public static DmarcRecord parse(String domain, String text) throws InvalidRecordException {
        Map<String, String> tags = new HashMap<>();
        for (String tag : text.split(";")) {
            int equals = tag.indexOf('=');
            if (equals > 0) {
                tags.putIfAbsent(tag.substring(0, equals).trim().toLowerCase(Locale.ROOT), tag.substring(equals + 1).trim());
            }
        }
        Optional<String> p = policy(tags.get("p"));
        if (p.isEmpty()) {
            if (tags.getOrDefault("rua", "").isEmpty()) {
                throw new InvalidRecordException("DMARC record of " + domain + " has no valid p= and no rua=");
            }
            p = Optional.of("none");
        }
        return new DmarcRecord(domain, p.get(), policy(tags.get("sp")).orElse(p.get()), pct(tags.get("pct")),
            alignment(tags.get("adkim")), alignment(tags.get("aspf")));
    }

    private static Optional<String> policy(String value) {
        String lower = value == null ? "" : value.toLowerCase(Locale.ROOT);
        return switch (lower) {
            case "none", "quarantine", "reject" -> Optional.of(lower);
            default -> Optional.empty();
        };
    }

    private static int pct(String value) {
        if (value != null && value.matches("[0-9]{1,3}") && Integer.parseInt(value) <= 100) {
            return Integer.parseInt(value);
        }
        return 100;
    }

    private static String alignment(String value) {
        return "s".equalsIgnoreCase(value) ? "s" : "r";
    }
}
