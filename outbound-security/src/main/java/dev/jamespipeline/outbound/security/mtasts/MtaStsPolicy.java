package dev.jamespipeline.outbound.security.mtasts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * An MTA-STS policy (RFC 8461 section 3.2), as served at {@code https://mta-sts.<domain>/.well-known/mta-sts.txt}:
 *
 * <pre>
 * version: STSv1
 * mode: enforce
 * mx: mail.example.com
 * mx: *.example.net
 * max_age: 86400
 * </pre>
 *
 * @param mode   what a sender does when an MX fails validation
 * @param mx     the MX host patterns a sender may deliver to
 * @param maxAge how long the policy may be cached, at most a year ({@link #MAX_AGE_LIMIT}); larger values are cut
 */
public record MtaStsPolicy(Mode mode, List<String> mx, Duration maxAge) {

    public enum Mode { ENFORCE, TESTING, NONE }

    /** RFC 8461 section 3.2: max_age is at most 31557600 seconds (about a year). */
    public static final Duration MAX_AGE_LIMIT = Duration.ofSeconds(31_557_600);

    private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");
    private static final Pattern MAX_AGE = Pattern.compile("[0-9]{1,10}");
    private static final String LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
    private static final Pattern MX_PATTERN = Pattern.compile("(\\*\\.)?" + LABEL + "(\\." + LABEL + ")+");

    public MtaStsPolicy {
        mx = List.copyOf(mx);
    }

    /**
     * Parses a policy body; unknown fields are ignored, as the RFC asks.
     *
     * @throws InvalidPolicyException when a required field is missing, repeated or malformed
     */
    public static MtaStsPolicy parse(String body) throws InvalidPolicyException {
        String version = null;
        Mode mode = null;
        Duration maxAge = null;
        List<String> mx = new ArrayList<>();
        String[] lines = body.split("\r?\n", -1);
        for (int number = 1; number <= lines.length; number++) {
            String line = lines[number - 1];
            if (line.isBlank()) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0 || !FIELD_NAME.matcher(line.substring(0, colon)).matches()) {
                throw new InvalidPolicyException("line " + number + " is not 'name: value'");
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).strip();
            switch (name) {
                case "version" -> {
                    requireFirst(version, name);
                    version = value;
                }
                case "mode" -> {
                    requireFirst(mode, name);
                    mode = mode(value);
                }
                case "max_age" -> {
                    requireFirst(maxAge, name);
                    maxAge = maxAge(value);
                }
                case "mx" -> mx.add(mxPattern(value));
                default -> {
                    // an extension field: ignored (RFC 8461 section 3.2)
                }
            }
        }
        if (!"STSv1".equals(version)) {
            throw new InvalidPolicyException(version == null ? "no version field" : "version '" + version + "' is not STSv1");
        }
        if (mode == null) {
            throw new InvalidPolicyException("no mode field");
        }
        if (maxAge == null) {
            throw new InvalidPolicyException("no max_age field");
        }
        if (mx.isEmpty() && mode != Mode.NONE) {
            throw new InvalidPolicyException("no mx field in mode " + mode.name().toLowerCase(Locale.ROOT));
        }
        return new MtaStsPolicy(mode, mx, maxAge);
    }

    private static void requireFirst(Object seen, String name) throws InvalidPolicyException {
        if (seen != null) {
            throw new InvalidPolicyException("the " + name + " field appears more than once");
        }
    }

    private static Mode mode(String value) throws InvalidPolicyException {
        return switch (value) {
            case "enforce" -> Mode.ENFORCE;
            case "testing" -> Mode.TESTING;
            case "none" -> Mode.NONE;
            default -> throw new InvalidPolicyException("mode '" + value + "' is not enforce, testing or none");
        };
    }

    private static Duration maxAge(String value) throws InvalidPolicyException {
        if (!MAX_AGE.matcher(value).matches()) {
            throw new InvalidPolicyException("max_age '" + value + "' is not 1 to 10 digits");
        }
        Duration seconds = Duration.ofSeconds(Long.parseLong(value));
        return seconds.compareTo(MAX_AGE_LIMIT) > 0 ? MAX_AGE_LIMIT : seconds;
    }

    private static String mxPattern(String value) throws InvalidPolicyException {
        String pattern = value.toLowerCase(Locale.ROOT);
        if (pattern.endsWith(".")) {
            pattern = pattern.substring(0, pattern.length() - 1);
        }
        if (!MX_PATTERN.matcher(pattern).matches()) {
            throw new InvalidPolicyException("mx '" + value + "' is not a host name or *.host name");
        }
        return pattern;
    }

    /**
     * Whether an MX host may receive mail under this policy (RFC 8461 section 4.1): equal to a pattern, or
     * one label more than a {@code *.} pattern ({@code *.example.com} matches {@code mx.example.com}, neither
     * {@code example.com} nor {@code a.mx.example.com}).
     */
    public boolean allowsMx(String mxHost) {
        String host = mxHost.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        for (String pattern : mx) {
            if (pattern.startsWith("*.")) {
                int dot = host.indexOf('.');
                if (dot > 0 && host.substring(dot + 1).equals(pattern.substring(2))) {
                    return true;
                }
            } else if (pattern.equals(host)) {
                return true;
            }
        }
        return false;
    }
}
