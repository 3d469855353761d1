package dev.jamespipeline.security.spam;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import org.apache.commons.configuration2.Configuration;
import org.apache.james.core.Domain;

import dev.jamespipeline.core.config.SettingsReader;
import dev.jamespipeline.security.scanner.ScanFailurePolicy;

/**
 * The spam stage's settings ({@code security.spam.*} keys of {@code conf/pipeline.properties}), read once.
 * The README's "Security stages: spam" table documents the same keys and defaults; keep them in step.
 *
 * @param rspamdUrl       {@code security.spam.rspamd.url}: Rspamd's normal worker (its {@code /checkv2} is called)
 * @param connectTimeout  {@code security.spam.connect.timeout.ms}: connecting to Rspamd
 * @param requestTimeout  {@code security.spam.request.timeout.ms}: the whole scan, from sending to the last reply byte
 * @param maxMessageBytes {@code security.spam.max.message.bytes}: larger messages are not sent, but tagged unchecked
 * @param defaultPolicy   {@code security.spam.policy}: what spam gets, for recipients of domains without their own
 * @param domainPolicies  {@code security.spam.policy.<domain>}: a recipient domain's own policy
 * @param failurePolicy   {@code security.spam.failure.policy}: a message Rspamd could not check after the last retry
 * @param junkFolder      {@code security.spam.junk.folder}: the mailbox the junk policy delivers into
 */
public record SpamSettings(URI rspamdUrl, Duration connectTimeout, Duration requestTimeout, long maxMessageBytes,
                           SpamPolicy defaultPolicy, Map<String, SpamPolicy> domainPolicies,
                           ScanFailurePolicy failurePolicy, String junkFolder) {
    public static final String KEYS = "security.spam.";
    public static final String RSPAMD_URL = "security.spam.rspamd.url";
    public static final String CONNECT_TIMEOUT = "security.spam.connect.timeout.ms";
    public static final String REQUEST_TIMEOUT = "security.spam.request.timeout.ms";
    public static final String MAX_MESSAGE_BYTES = "security.spam.max.message.bytes";
    public static final String POLICY = "security.spam.policy";
    public static final String FAILURE_POLICY = "security.spam.failure.policy";
    public static final String JUNK_FOLDER = "security.spam.junk.folder";
    private static final String DOMAIN_POLICY_PREFIX = POLICY + ".";

    public SpamSettings {
        domainPolicies = Map.copyOf(domainPolicies);
    }

    public static SpamSettings from(Configuration conf) {
        SettingsReader settings = new SettingsReader(conf);
        URI url = settings.optionalHttpUri(RSPAMD_URL).orElse(URI.create("http://127.0.0.1:11333"));
        Map<String, SpamPolicy> domainPolicies = new HashMap<>();
        for (String key : settings.keysUnder(DOMAIN_POLICY_PREFIX)) {
            domainPolicies.put(domain(key, key.substring(DOMAIN_POLICY_PREFIX.length())),
                settings.choice(key, SpamPolicy.class, SpamPolicy.JUNK));
        }
        String junkFolder = settings.string(JUNK_FOLDER, "Junk");
        if (!junkFolder.matches("[A-Za-z0-9][A-Za-z0-9 ._-]{0,99}")) {
            throw SettingsReader.invalid(JUNK_FOLDER, junkFolder, "a top-level folder name (letters, digits, space, . _ -)");
        }
        SpamSettings result = new SpamSettings(url,
            settings.millis(CONNECT_TIMEOUT, Duration.ofSeconds(2), Duration.ofMillis(10)),
            settings.millis(REQUEST_TIMEOUT, Duration.ofSeconds(20), Duration.ofMillis(100)),
            settings.longInteger(MAX_MESSAGE_BYTES, 10L * 1024 * 1024, 1024, 1L << 30),
            settings.choice(POLICY, SpamPolicy.class, SpamPolicy.JUNK),
            domainPolicies,
            settings.choice(FAILURE_POLICY, ScanFailurePolicy.class, ScanFailurePolicy.TAG),
            junkFolder);
        settings.requireNoUnknownKeys(key -> key.startsWith(KEYS));
        return result;
    }

    /** The policy for a recipient of {@code domain}: its own, or the default. */
    public SpamPolicy policyFor(Domain domain) {
        return domainPolicies.getOrDefault(domain.asString(), defaultPolicy);
    }

    private static String domain(String key, String raw) {
        try {
            return Domain.of(raw.toLowerCase(Locale.ROOT)).asString();
        } catch (IllegalArgumentException e) {
            throw SettingsReader.invalid(key, raw, "a domain name after " + DOMAIN_POLICY_PREFIX + " (" + e.getMessage() + ")");
        }
    }
}
