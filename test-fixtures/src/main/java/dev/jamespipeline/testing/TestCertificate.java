package dev.jamespipeline.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * A self-signed certificate for one host name (subject CN and subjectAltName), made with {@code openssl} as an
 * administrator would: PEM files a server reads ({@link PostfixPeer}'s STARTTLS), and a trust store holding it
 * for a client that must trust it.
 */
public record TestCertificate(String hostname, Path certificateFile, Path privateKeyFile, X509Certificate certificate) {

    public static TestCertificate selfSigned(String hostname) {
        if (!hostname.matches("[A-Za-z0-9.-]+")) {
            throw new IllegalArgumentException("not a host name: " + hostname);
        }
        Path directory = PeerDaemon.workDirectory("test-certificate");
        Path certificateFile = directory.resolve("certificate.pem");
        Path privateKeyFile = directory.resolve("key.pem");
        // Deleted at JVM exit in reverse order of registration: the files, then their directory.
        directory.toFile().deleteOnExit();
        certificateFile.toFile().deleteOnExit();
        privateKeyFile.toFile().deleteOnExit();
        PeerDaemon.run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-subj", "/CN=" + hostname, "-addext", "subjectAltName=DNS:" + hostname,
            "-keyout", privateKeyFile.toString(), "-out", certificateFile.toString()));
        try (InputStream pem = Files.newInputStream(certificateFile)) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(pem);
            return new TestCertificate(hostname, certificateFile, privateKeyFile, certificate);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("openssl wrote a certificate Java cannot read", e);
        }
    }

    /** A PKCS12 trust store (no password) holding this certificate as a trusted one. */
    public KeyStore trustStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry(hostname, certificate);
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
