package dev.jamespipeline.outbound.security.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

import dev.jamespipeline.core.config.SettingsReader;
import dev.jamespipeline.outbound.security.OutboundSecuritySettings;
import dev.jamespipeline.outbound.security.OutboundSecuritySettings.TrustStoreSettings;

/**
 * The certificate authorities remote delivery trusts, for MX hosts and MTA-STS policy hosts alike: the
 * JDK's own, or those of {@code outbound.tls.trust.store}.
 */
public final class CertificateTrust {
    private final X509ExtendedTrustManager trustManager;

    private CertificateTrust(X509ExtendedTrustManager trustManager) {
        this.trustManager = trustManager;
    }

    public static CertificateTrust load(Optional<TrustStoreSettings> store) {
        KeyStore keyStore = store.map(CertificateTrust::read).orElse(null);
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(keyStore);
            return new CertificateTrust(Arrays.stream(factory.getTrustManagers())
                .filter(X509ExtendedTrustManager.class::isInstance)
                .map(X509ExtendedTrustManager.class::cast)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("The JDK offers no X509ExtendedTrustManager")));
        } catch (GeneralSecurityException e) {
            throw SettingsReader.invalid(OutboundSecuritySettings.TRUST_STORE, store.map(s -> s.path().toString()).orElse("(JDK default)"),
                "a key store with at least one trusted certificate (" + e.getMessage() + ")");
        }
    }

    private static KeyStore read(TrustStoreSettings settings) {
        try (InputStream in = Files.newInputStream(settings.path())) {
            KeyStore keyStore = KeyStore.getInstance(settings.type());
            keyStore.load(in, settings.password().length == 0 ? null : settings.password());
            return keyStore;
        } catch (IOException | GeneralSecurityException e) {
            throw SettingsReader.invalid(OutboundSecuritySettings.TRUST_STORE, settings.path().toString(),
                "a readable " + settings.type() + " key store (" + OutboundSecuritySettings.TRUST_STORE_TYPE + ", "
                    + OutboundSecuritySettings.TRUST_STORE_PASSWORD + "): " + e.getMessage());
        }
    }

    /** Checks a chain against the trusted authorities; with a socket or engine whose parameters ask for it, also its host name. */
    public X509ExtendedTrustManager trustManager() {
        return trustManager;
    }

    /** A TLS context that validates server certificates against these authorities. */
    public SSLContext sslContext(TrustManager trustManager) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot create a TLS context", e);
        }
    }
}
