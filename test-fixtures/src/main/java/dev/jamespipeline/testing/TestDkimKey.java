package dev.jamespipeline.testing;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.util.Base64;

/** A fresh 2048-bit RSA DKIM key: its private half to sign with, its public half as the TXT record to publish. */
public final class TestDkimKey {
    private final KeyPair keys;

    private TestDkimKey(KeyPair keys) {
        this.keys = keys;
    }

    public static TestDkimKey generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new TestDkimKey(generator.generateKeyPair());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no RSA key generator", e);
        }
    }

    public PrivateKey privateKey() {
        return keys.getPrivate();
    }

    /** The text of the {@code <selector>._domainkey.<domain>} TXT record (RFC 6376 section 3.6.1). */
    public String txtRecord() {
        return "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }
}
