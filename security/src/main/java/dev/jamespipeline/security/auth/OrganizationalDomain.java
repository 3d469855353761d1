package dev.jamespipeline.security.auth;

import java.util.Locale;

import com.google.common.net.InternetDomainName;

/**
 * A domain's organisational domain (RFC 7489 section 3.2), from the Public Suffix List Guava ships: the public
 * suffix plus one label. A name under no listed suffix takes its last label as the suffix, as the RFC says.
 */
public final class OrganizationalDomain {
    private OrganizationalDomain() {
    }

    public static String of(String domain) {
        String name = domain.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (!InternetDomainName.isValid(name)) {
            return name;
        }
        InternetDomainName parsed = InternetDomainName.from(name);
        if (parsed.isUnderPublicSuffix()) {
            return parsed.topPrivateDomain().toString();
        }
        if (parsed.isPublicSuffix()) {
            return name;
        }
        String[] labels = name.split("\\.");
        return labels.length <= 2 ? name : labels[labels.length - 2] + "." + labels[labels.length - 1];
    }

    /** DMARC identifier alignment (section 3.1): strict, the same name; relaxed, the same organisational domain. */
    public static boolean aligned(String identifier, String authorDomain, String mode) {
        String a = trimmed(identifier);
        String b = trimmed(authorDomain);
        if (a.isEmpty() || b.isEmpty()) {
            return false;
        }
        return "s".equals(mode) ? a.equals(b) : of(a).equals(of(b));
    }

    private static String trimmed(String domain) {
        String lower = domain.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
