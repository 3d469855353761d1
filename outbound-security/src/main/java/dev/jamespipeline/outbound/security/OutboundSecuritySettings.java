package dev.jamespipeline.outbound.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.commons.configuration2.Configuration;

import dev.jamespipeline.core.config.SettingsReader;
import dev.jamespipeline.outbound.security.dkim.DkimKey;

/**
 * The TLS policy and DKIM settings of remote delivery ({@code outbound.tls.*} and {@code outbound.dkim.*}
 * keys of {@code conf/pipeline.properties}), read once. The README's configuration table documents the same
 * keys and defaults; keep them in step.
 *
 * @param requiredTlsDomains   {@code outbound.tls.required.domains}: destinations that only get mail over STARTTLS
 * @param requiredCertificate  {@code outbound.tls.required.certificate}: whether those also need a certificate valid
 *                             for the MX name ({@code verify}) or any certificate ({@code any})
 * @param trustStore           {@code outbound.tls.trust.store} (+ {@code .type}, {@code .password}): the CAs that make a
 *                             certificate valid, for MX hosts and MTA-STS policy hosts; empty: the JDK's
 * @param mtaSts               {@code outbound.tls.mta-sts}: whether MTA-STS policies are looked up
 * @param mtaStsFetchTimeout   {@code outbound.tls.mta-sts.fetch.timeout.ms}: connecting, each read, and the whole body
 * @param mtaStsMaxPolicyBytes {@code outbound.tls.mta-sts.max.policy.bytes}: a larger policy is refused
 * @param mtaStsCacheDomains   {@code outbound.tls.mta-sts.cache.max.domains}: policies kept in memory at most
 * @param mtaStsFailedFetchRetry {@code outbound.tls.mta-sts.failed.fetch.retry.ms}: how long a failed fetch is not
 *                             repeated for the same policy id (deliveries meanwhile use the cached policy, or none)
 * @param dkimKeys             {@code outbound.dkim.keys}: the signing keys, several per domain allowed
 * @param dkimSignedHeaders    {@code outbound.dkim.signed.headers}: the header fields each signature covers
 */
public record OutboundSecuritySettings(
        Set<String> requiredTlsDomains,
        CertificateRequirement requiredCertificate,
        Optional<TrustStoreSettings> trustStore,
        Switch mtaSts,
        Duration mtaStsFetchTimeout,
        int mtaStsMaxPolicyBytes,
        int mtaStsCacheDomains,
        Duration mtaStsFailedFetchRetry,
        List<DkimKey> dkimKeys,
        List<String> dkimSignedHeaders) {

    public enum CertificateRequirement { VERIFY, ANY }

    public enum Switch { ENABLED, DISABLED }

    /** A key store file holding trusted certificates. */
    public record TrustStoreSettings(Path path, String type, char[] password) {
    }

    public static final String TLS_KEYS = "outbound.tls.";
    public static final String DKIM_KEYS = "outbound.dkim.";

    public static final String REQUIRED_DOMAINS = "outbound.tls.required.domains";
    public static final String REQUIRED_CERTIFICATE = "outbound.tls.required.certificate";
    public static final String TRUST_STORE = "outbound.tls.trust.store";
    public static final String TRUST_STORE_TYPE = "outbound.tls.trust.store.type";
    public static final String TRUST_STORE_PASSWORD = "outbound.tls.trust.store.password";
    public static final String MTA_STS = "outbound.tls.mta-sts";
    public static final String MTA_STS_FETCH_TIMEOUT = "outbound.tls.mta-sts.fetch.timeout.ms";
    public static final String MTA_STS_MAX_POLICY_BYTES = "outbound.tls.mta-sts.max.policy.bytes";
    public static final String MTA_STS_CACHE_DOMAINS = "outbound.tls.mta-sts.cache.max.domains";
    public static final String MTA_STS_FAILED_FETCH_RETRY = "outbound.tls.mta-sts.failed.fetch.retry.ms";
    public static final String DKIM_SIGNING_KEYS = "outbound.dkim.keys";
    public static final String DKIM_SIGNED_HEADERS = "outbound.dkim.signed.headers";

    /** What most signers cover (RFC 6376 section 5.4.1); From is required and always added. */
    public static final String DEFAULT_SIGNED_HEADERS =
        "from,to,cc,subject,date,message-id,reply-to,in-reply-to,references,mime-version,content-type,content-transfer-encoding";

    public OutboundSecuritySettings {
        requiredTlsDomains = Set.copyOf(requiredTlsDomains);
        dkimKeys = List.copyOf(dkimKeys);
        dkimSignedHeaders = List.copyOf(dkimSignedHeaders);
    }

    /**
     * @param workingDirectory what relative paths (trust store, DKIM key files) are relative to: James's working directory
     */
    public static OutboundSecuritySettings from(Configuration conf, Path workingDirectory) {
        SettingsReader settings = new SettingsReader(conf);
        String trustStorePath = settings.string(TRUST_STORE, "");
        String trustStoreType = settings.string(TRUST_STORE_TYPE, "PKCS12");
        String trustStorePassword = settings.string(TRUST_STORE_PASSWORD, "");
        List<String> signedHeaders = settings.list(DKIM_SIGNED_HEADERS, DEFAULT_SIGNED_HEADERS).stream()
            .map(name -> name.toLowerCase(Locale.ROOT))
            .collect(Collectors.toList());
        if (!signedHeaders.contains("from")) {
            throw SettingsReader.invalid(DKIM_SIGNED_HEADERS, String.join(",", signedHeaders),
                "a list of header field names that includes from (RFC 6376 section 5.4)");
        }
        OutboundSecuritySettings result = new OutboundSecuritySettings(
            settings.list(REQUIRED_DOMAINS, "").stream()
                .map(domain -> normalizedDomain(REQUIRED_DOMAINS, domain))
                .collect(Collectors.toSet()),
            settings.choice(REQUIRED_CERTIFICATE, CertificateRequirement.class, CertificateRequirement.VERIFY),
            trustStorePath.isEmpty()
                ? Optional.empty()
                : Optional.of(new TrustStoreSettings(workingDirectory.resolve(trustStorePath), trustStoreType,
                    trustStorePassword.toCharArray())),
            settings.choice(MTA_STS, Switch.class, Switch.ENABLED),
            settings.millis(MTA_STS_FETCH_TIMEOUT, Duration.ofSeconds(10), Duration.ofMillis(100)),
            settings.integer(MTA_STS_MAX_POLICY_BYTES, 65_536, 256, 1_048_576),
            settings.integer(MTA_STS_CACHE_DOMAINS, 100_000, 1, 10_000_000),
            settings.millis(MTA_STS_FAILED_FETCH_RETRY, Duration.ofMinutes(5), Duration.ZERO),
            DkimKey.parseAll(DKIM_SIGNING_KEYS, settings.list(DKIM_SIGNING_KEYS, ""), workingDirectory),
            signedHeaders);
        settings.requireNoUnknownKeys(key -> key.startsWith(TLS_KEYS) || key.startsWith(DKIM_KEYS));
        return result;
    }

    /** A domain as configured: lower case, no trailing dot, letters, digits, hyphens and dots only. */
    public static String normalizedDomain(String key, String raw) {
        String domain = raw.toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        if (!domain.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+")) {
            throw SettingsReader.invalid(key, raw, "domain names (like example.com), separated by commas");
        }
        return domain;
    }
}
