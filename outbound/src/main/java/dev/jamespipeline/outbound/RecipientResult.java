package dev.jamespipeline.outbound;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one attempt did for one recipient.
 *
 * @param status     RFC 3463 status: the server's enhanced code when it gave one, else one derived from its reply class
 * @param diagnostic the reply as RFC 3464's Diagnostic-Code ({@code smtp; 550 5.1.1 ...}) or a local reason ({@code X-James; ...})
 * @param mx         the host that answered, "" when none did
 */
public record RecipientResult(String recipient, Kind kind, String status, String diagnostic, String mx) {
    private static final Pattern ENHANCED = Pattern.compile("^\\d{3}[ -]([245]\\.\\d{1,3}\\.\\d{1,3})\\b");

    public enum Kind {
        DELIVERED,
        /** Try again later: 4xx, connection refused or timed out, DNS temporarily failing. */
        TEMPFAIL,
        /** Give up and tell the sender: 5xx, no such domain, null MX, expired. */
        PERMFAIL
    }

    /** The result an SMTP reply code gives, with the reply's own enhanced status when it has one. */
    public static RecipientResult ofReply(String recipient, int code, String reply, String mx) {
        String text = reply == null || reply.isBlank() ? Integer.toString(code) : reply.trim();
        Kind kind = code >= 200 && code < 300 ? Kind.DELIVERED : code >= 500 && code < 600 ? Kind.PERMFAIL : Kind.TEMPFAIL;
        Matcher enhanced = ENHANCED.matcher(text);
        String status = enhanced.find() && enhanced.group(1).charAt(0) == text.charAt(0) ? enhanced.group(1)
            : switch (kind) {
                case DELIVERED -> "2.0.0";
                case TEMPFAIL -> "4.0.0";
                case PERMFAIL -> "5.0.0";
            };
        return new RecipientResult(lower(recipient), kind, status, "smtp; " + oneLine(text), mx);
    }

    /** A failure that is not a server's reply (DNS, connection, expiry). */
    public static RecipientResult local(String recipient, Kind kind, String status, String reason, String mx) {
        return new RecipientResult(lower(recipient), kind, status, "X-James; " + oneLine(reason), mx);
    }

    public String domain() {
        return recipient.substring(recipient.lastIndexOf('@') + 1);
    }

    private static String lower(String recipient) {
        return recipient.toLowerCase(Locale.ROOT);
    }

    private static String oneLine(String text) {
        return text.replaceAll("[\r\n]+", " ").trim();
    }
}
