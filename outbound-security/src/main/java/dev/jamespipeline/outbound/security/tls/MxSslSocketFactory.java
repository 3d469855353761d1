package dev.jamespipeline.outbound.security.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The TLS sockets of one connection to one MX. Whatever address javax.mail connected to (James's delivery
 * connects to the MX's IP address), the certificate is checked against the MX host name: it is sent as SNI
 * and checked as an HTTPS-style server identity (RFC 6125 DNS-ID, a wildcard in the left-most label only),
 * as RFC 8461 section 4.2 asks.
 */
final class MxSslSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory tls;
    private final String mxHost;
    private final MxCertificateCheck check;

    MxSslSocketFactory(SSLSocketFactory tls, String mxHost, MxCertificateCheck check) {
        this.tls = tls;
        this.mxHost = mxHost;
        this.check = check;
    }

    /** STARTTLS: the plain connection becomes a TLS one. */
    @Override
    public Socket createSocket(Socket plain, String host, int port, boolean autoClose) throws IOException {
        check.starttlsStarted();
        return forMx(tls.createSocket(plain, mxHost, port, autoClose));
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return forMx(tls.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
        return forMx(tls.createSocket(host, port, localAddress, localPort));
    }

    @Override
    public Socket createSocket(InetAddress address, int port) throws IOException {
        return forMx(tls.createSocket(address, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return forMx(tls.createSocket(address, port, localAddress, localPort));
    }

    @Override
    public Socket createSocket() throws IOException {
        return forMx(tls.createSocket());
    }

    private Socket forMx(Socket socket) {
        SSLSocket ssl = (SSLSocket) socket;
        SSLParameters parameters = ssl.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        parameters.setServerNames(serverName());
        ssl.setSSLParameters(parameters);
        return ssl;
    }

    /** SNI takes host names only: an MX named against the rules (an underscore...) goes without, its identity still checked. */
    private List<SNIServerName> serverName() {
        try {
            return List.of(new SNIHostName(mxHost));
        } catch (IllegalArgumentException notAHostName) {
            return List.of();
        }
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return tls.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return tls.getSupportedCipherSuites();
    }
}
