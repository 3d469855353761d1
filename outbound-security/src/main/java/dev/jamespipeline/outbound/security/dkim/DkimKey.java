package dev.jamespipeline.outbound.security.dkim;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

import dev.jamespipeline.core.config.SettingsReader;
import dev.jamespipeline.outbound.security.OutboundSecuritySettings;

/**
 * One DKIM signing key: mail from {@code domain} is signed with it under {@code selector}, and receivers find
 * its public half in DNS at {@code <selector>._domainkey.<domain>}.
 */
public record DkimKey(String domain, String selector, PrivateKey privateKey) {

    /** RSA keys shorter than this are refused (RFC 8301: at least 1024 bits, 2048 recommended). */
    public static final int MIN_RSA_BITS = 1024;

    private static final String SELECTOR = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*";

    /**
     * Reads {@code domain:selector:pem-file} entries, the PEM file an unencrypted RSA private key (PKCS#8
     * {@code BEGIN PRIVATE KEY} or PKCS#1 {@code BEGIN RSA PRIVATE KEY}, as {@code openssl genrsa} writes).
     */
    public static List<DkimKey> parseAll(String key, List<String> entries, Path workingDirectory) {
        List<DkimKey> keys = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String entry : entries) {
            String[] parts = entry.split(":", 3);
            if (parts.length != 3 || parts[2].isBlank()) {
                throw SettingsReader.invalid(key, entry, "domain:selector:pem-file entries, separated by commas");
            }
            String domain = OutboundSecuritySettings.normalizedDomain(key, parts[0].trim());
            String selector = parts[1].trim().toLowerCase(Locale.ROOT);
            if (!selector.matches(SELECTOR)) {
                throw SettingsReader.invalid(key, entry, "a selector of letters, digits, '-' and '.' (like s2026)");
            }
            if (!seen.add(domain + ":" + selector)) {
                throw SettingsReader.invalid(key, entry, "each domain:selector once");
            }
            keys.add(new DkimKey(domain, selector, readPrivateKey(key, workingDirectory.resolve(parts[2].trim()))));
        }
        return keys;
    }

    private static PrivateKey readPrivateKey(String key, Path file) {
        Object pem;
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
             PEMParser parser = new PEMParser(reader)) {
            pem = parser.readObject();
        } catch (IOException e) {
            throw SettingsReader.invalid(key, file.toString(), "a readable PEM private key file (" + e + ")");
        }
        PrivateKey privateKey;
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (pem instanceof PrivateKeyInfo info) {
                privateKey = converter.getPrivateKey(info);
            } else if (pem instanceof PEMKeyPair pair) {
                privateKey = converter.getKeyPair(pair).getPrivate();
            } else {
                throw SettingsReader.invalid(key, file.toString(),
                    "an unencrypted RSA private key in PEM (found " + (pem == null ? "no PEM object" : pem.getClass().getSimpleName()) + ")");
            }
        } catch (IOException e) {
            throw SettingsReader.invalid(key, file.toString(), "an RSA private key in PEM (" + e.getMessage() + ")");
        }
        if (!(privateKey instanceof RSAPrivateKey rsa)) {
            throw SettingsReader.invalid(key, file.toString(), "an RSA private key (jDKIM signs rsa-sha256 only)");
        }
        if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw SettingsReader.invalid(key, file.toString(), "an RSA key of at least " + MIN_RSA_BITS + " bits");
        }
        return privateKey;
    }

    @Override
    public String toString() {
        return "DkimKey[" + selector + "._domainkey." + domain + "]";
    }
}
