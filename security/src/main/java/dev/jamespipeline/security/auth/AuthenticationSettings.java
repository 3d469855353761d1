package dev.jamespipeline.security.auth;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

import org.apache.commons.configuration2.Configuration;

import dev.jamespipeline.core.config.SettingsReader;

/**
 * The authentication stage's settings ({@code security.auth.*} keys of {@code conf/pipeline.properties}), read
 * once. The README's "Security stages: authentication" section documents the same keys and defaults; keep them
 * in step.
 *
 * @param authservId       {@code security.auth.authserv-id}: the name our {@code Authentication-Results} fields carry
 *                         (RFC 8601 section 2.5); received fields claiming it are removed. Every node of a
 *                         deployment sets the same one.
 * @param dnsTimeout       {@code security.auth.dns.timeout.ms}: how long one DNS query (SPF, DKIM key, DMARC record)
 *                         waits for an answer from one server before it is a temporary error
 * @param dkimMaxSignatures {@code security.auth.dkim.max.signatures}: DKIM-Signature fields verified per message
 *                         (RFC 6376 section 6.1 lets a verifier limit them); later ones are reported {@code policy}
 */
public record AuthenticationSettings(String authservId, Duration dnsTimeout, int dkimMaxSignatures) {
    public static final String KEYS = "security.auth.";
    public static final String AUTHSERV_ID = "security.auth.authserv-id";
    public static final String DNS_TIMEOUT = "security.auth.dns.timeout.ms";
    public static final String DKIM_MAX_SIGNATURES = "security.auth.dkim.max.signatures";

    /**
     * @param hostName the default authserv-id: the machine's host name (as James's SMTP greeting names it when
     *                 {@code helloName} is auto-detected), asked for only when the key is not set
     */
    public static AuthenticationSettings from(Configuration conf, Supplier<String> hostName) {
        SettingsReader settings = new SettingsReader(conf);
        String raw = settings.string(AUTHSERV_ID, "");
        String authservId = (raw.isEmpty() ? hostName.get() : raw).toLowerCase(Locale.ROOT);
        if (!authservId.matches("[a-z0-9_]([a-z0-9_.-]{0,252}[a-z0-9_])?")) {
            throw SettingsReader.invalid(AUTHSERV_ID, raw.isEmpty() ? authservId + " (the host name)" : raw,
                "a host name (letters, digits, '.', '-' and '_'), like mx.example.com");
        }
        AuthenticationSettings result = new AuthenticationSettings(authservId,
            settings.millis(DNS_TIMEOUT, Duration.ofSeconds(5), Duration.ofMillis(100)),
            settings.integer(DKIM_MAX_SIGNATURES, 10, 1, 100));
        settings.requireNoUnknownKeys(key -> key.startsWith(KEYS));
        return result;
    }
}
