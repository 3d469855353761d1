package dev.jamespipeline.outbound.security.tls;

import java.net.Socket;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Checks the certificate of one MX connection and remembers what it found: whether it chains to a trusted
 * authority, whether it is valid for the MX name (the socket's parameters name it: {@link MxSslSocketFactory}),
 * and the negotiated protocol. When the requirement enforces the certificate, a bad one ends the handshake;
 * otherwise the session goes on encrypted and the problem is only reported (opportunistic TLS, RFC 7435).
 * One instance per connection: it is the record of that connection's TLS.
 */
final class MxCertificateCheck extends X509ExtendedTrustManager {
    private final X509ExtendedTrustManager trusted;
    private final boolean enforced;

    private volatile boolean handshakeStarted;
    private volatile boolean accepted;
    private volatile String protocol;
    private volatile String cipherSuite;
    private volatile TlsOutcome.Result problem;
    private volatile String problemDetail;

    MxCertificateCheck(X509ExtendedTrustManager trusted, boolean enforced) {
        this.trusted = trusted;
        this.enforced = enforced;
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        if (socket instanceof SSLSocket ssl) {
            noteSession(ssl.getHandshakeSession());
        }
        check(chain, authType, () -> trusted.checkServerTrusted(chain, authType, socket));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        noteSession(engine.getHandshakeSession());
        check(chain, authType, () -> trusted.checkServerTrusted(chain, authType, engine));
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("An MX certificate is checked with its connection, which names the MX host");
    }

    private interface IdentityCheck {
        void run() throws CertificateException;
    }

    private void check(X509Certificate[] chain, String authType, IdentityCheck chainAndName) throws CertificateException {
        try {
            trusted.checkServerTrusted(chain, authType);
        } catch (CertificateException e) {
            reject(classify(e), e);
            return;
        }
        try {
            chainAndName.run();
        } catch (CertificateException e) {
            reject(TlsOutcome.Result.CERTIFICATE_HOST_MISMATCH, e);
            return;
        }
        accepted = true;
    }

    private void reject(TlsOutcome.Result result, CertificateException e) throws CertificateException {
        problem = result;
        problemDetail = e.getMessage();
        if (enforced) {
            throw e;
        }
        accepted = true;
    }

    private static TlsOutcome.Result classify(CertificateException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof CertificateExpiredException || cause instanceof CertificateNotYetValidException) {
                return TlsOutcome.Result.CERTIFICATE_EXPIRED;
            }
            if (cause instanceof CertPathValidatorException validation
                    && (validation.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                        || validation.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID)) {
                return TlsOutcome.Result.CERTIFICATE_EXPIRED;
            }
        }
        return TlsOutcome.Result.CERTIFICATE_NOT_TRUSTED;
    }

    private void noteSession(SSLSession session) {
        handshakeStarted = true;
        if (session != null) {
            protocol = session.getProtocol();
            cipherSuite = session.getCipherSuite();
        }
    }

    void starttlsStarted() {
        handshakeStarted = true;
    }

    boolean handshakeStarted() {
        return handshakeStarted;
    }

    boolean accepted() {
        return accepted;
    }

    String protocol() {
        return protocol;
    }

    String cipherSuite() {
        return cipherSuite;
    }

    TlsOutcome.Result problem() {
        return problem;
    }

    String problemDetail() {
        return problemDetail;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
        throw new CertificateException("Remote delivery is a TLS client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        throw new CertificateException("Remote delivery is a TLS client only");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw new CertificateException("Remote delivery is a TLS client only");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return trusted.getAcceptedIssuers();
    }
}
