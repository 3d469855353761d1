package dev.jamespipeline.security.scanner;

/**
 * Makes text that a scanner sent (a signature name, an error reply) safe for where it goes next: a header
 * field, a verdict, a log line, the quarantine event. A hostile or broken scanner must not forge a header
 * field (CR, LF), add a parameter (';'), smuggle control or 8-bit bytes, or grow a field without bound.
 */
public final class ScannerText {
    /** Longest signature name kept (ClamAV's own names are well below). */
    public static final int MAX_SIGNATURE_LENGTH = 128;
    /** Longest reason kept (an error reply, a socket error). */
    public static final int MAX_REASON_LENGTH = 200;

    private ScannerText() {
    }

    /**
     * A signature name: the characters ClamAV names use (letters, digits, {@code . _ - + : / @}) kept, every other
     * one replaced by {@code _}; at most {@link #MAX_SIGNATURE_LENGTH}; {@code unknown} when nothing is left.
     */
    public static String signatureName(String raw) {
        StringBuilder name = new StringBuilder();
        for (int i = 0; i < raw.length() && name.length() < MAX_SIGNATURE_LENGTH; i++) {
            char c = raw.charAt(i);
            boolean kept = c < 128 && (Character.isLetterOrDigit(c) || ".-_+:/@".indexOf(c) >= 0);
            name.append(kept ? c : '_');
        }
        String result = name.toString();
        return result.replace("_", "").isEmpty() ? "unknown" : result;
    }

    /**
     * Free text: printable ASCII kept but for {@code ; ( ) \} (which would end or nest the header comment it is
     * put in), anything else a space, runs of spaces one; at most {@link #MAX_REASON_LENGTH}.
     */
    public static String printable(String raw) {
        if (raw == null) {
            return "unknown";
        }
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            text.append(c >= 0x20 && c < 0x7f && ";()\\".indexOf(c) < 0 ? c : ' ');
        }
        String collapsed = text.toString().replaceAll(" {2,}", " ").trim();
        if (collapsed.isEmpty()) {
            return "unknown";
        }
        return collapsed.length() > MAX_REASON_LENGTH ? collapsed.substring(0, MAX_REASON_LENGTH) + "..." : collapsed;
    }
}
