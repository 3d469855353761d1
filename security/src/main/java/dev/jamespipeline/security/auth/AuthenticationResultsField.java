package dev.jamespipeline.security.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import dev.jamespipeline.mailets.HeaderFieldEdits.RawField;

/**
 * Our RFC 8601 {@code Authentication-Results} field: written once per message, and recognised in what a sender
 * sent so a forged one claiming our authserv-id never reaches a mail client (RFC 8601 section 5).
 */
public final class AuthenticationResultsField {
    public static final String NAME = "Authentication-Results";
    private static final String FOLD = "\r\n\t";

    private final String authservId;

    public AuthenticationResultsField(String authservId) {
        this.authservId = authservId.toLowerCase(Locale.ROOT);
    }

    /**
     * True for an {@code Authentication-Results} field whose authserv-id is ours, however written: any case,
     * quoted, a trailing dot, comments and folding around it, a version after it.
     */
    public boolean claimsOurs(RawField field) {
        if (!field.name().equalsIgnoreCase(NAME)) {
            return false;
        }
        String id = authservIdOf(field.unfoldedValue()).toLowerCase(Locale.ROOT);
        if (id.endsWith(".")) {
            id = id.substring(0, id.length() - 1);
        }
        return id.equals(authservId);
    }

    /**
     * The authserv-id a value starts with (RFC 8601 section 2.2): after comments and white space, a token or a
     * quoted string. "" when there is none (a comment left open swallows the rest).
     */
    static String authservIdOf(String value) {
        int i = skipCommentsAndSpace(value, 0);
        if (i < value.length() && value.charAt(i) == '"') {
            StringBuilder quoted = new StringBuilder();
            for (i++; i < value.length() && value.charAt(i) != '"'; i++) {
                if (value.charAt(i) == '\\' && i + 1 < value.length()) {
                    i++;
                }
                quoted.append(value.charAt(i));
            }
            return quoted.toString().trim();
        }
        int start = i;
        while (i < value.length() && "; \t()\"".indexOf(value.charAt(i)) < 0) {
            i++;
        }
        return value.substring(start, i);
    }

    private static int skipCommentsAndSpace(String value, int from) {
        int i = from;
        int depth = 0;
        while (i < value.length()) {
            char c = value.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && depth > 0) {
                depth--;
            } else if (c == '\\' && depth > 0) {
                i++;
            } else if (depth == 0 && c != ' ' && c != '\t') {
                return i;
            }
            i++;
        }
        return value.length();
    }

    /** The field, "Name: value", folded between results (one line per method result). */
    public String format(AuthenticationVerdict verdict) {
        List<String> results = new ArrayList<>();
        SpfResult spf = verdict.spfMailFrom();
        results.add("spf=" + spf.result() + " smtp.mailfrom=" + propertyValue(spf.identity()));
        results.add("spf=" + verdict.spfHelo().result() + " smtp.helo=" + propertyValue(verdict.spfHelo().identity()));
        if (verdict.dkim().isEmpty()) {
            results.add("dkim=none");
        }
        for (DkimResult dkim : verdict.dkim()) {
            results.add("dkim=" + dkim.result() + reason(dkim.reason())
                + (dkim.domain().isEmpty() ? "" : " header.d=" + propertyValue(dkim.domain()))
                + (dkim.selector().isEmpty() ? "" : " header.s=" + propertyValue(dkim.selector())));
        }
        DmarcResult dmarc = verdict.dmarc();
        results.add("dmarc=" + dmarc.result() + reason(dmarc.reason())
            + (dmarc.fromDomain().isEmpty() ? "" : " header.from=" + propertyValue(dmarc.fromDomain())));
        return NAME + ": " + authservId + ";" + FOLD + String.join(";" + FOLD, results);
    }

    /** An RFC 8601 reason: a quoted string. */
    private static String reason(String reason) {
        return reason == null || reason.isEmpty() ? "" : " reason=" + quoted(reason);
    }

    /** A pvalue: as it is when it is a plain token or address, else quoted. */
    static String propertyValue(String value) {
        if (!value.isEmpty() && value.matches("[A-Za-z0-9!#$%&'*+\\-./=?^_`{|}~@]+")) {
            return value;
        }
        return quoted(value);
    }

    private static String quoted(String text) {
        // printable ASCII only: an 8-bit or control byte in a reason or address is not worth the risk
        return "\"" + text.replaceAll("[^ -~]", "?").replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
