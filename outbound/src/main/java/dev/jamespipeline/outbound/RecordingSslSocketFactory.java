package dev.jamespipeline.outbound;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.Optional;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

/**
 * The socket factory javax.mail upgrades a connection with at STARTTLS, remembering the TLS socket
 * it made so the attempt can report the negotiated protocol. With a name to verify, the server's
 * certificate must be valid for that name (JSSE's endpoint identification, as HTTPS does), whatever
 * address the connection went to. One per attempt.
 */
final class RecordingSslSocketFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;
    private final Optional<String> verifiedName;
    private volatile SSLSocket last;

    RecordingSslSocketFactory(SSLSocketFactory delegate, Optional<String> verifiedName) {
        this.delegate = delegate;
        this.verifiedName = verifiedName;
    }

    /** Whether a STARTTLS upgrade was started (the server offered it), whether or not its handshake succeeded. */
    boolean upgradeStarted() {
        return last != null;
    }

    /** The protocol of the last TLS connection this factory made (TLSv1.3...), if it made one. */
    Optional<String> negotiatedProtocol() {
        SSLSocket socket = last;
        return socket == null ? Optional.empty() : Optional.ofNullable(socket.getSession().getProtocol())
            .filter(protocol -> !protocol.equals("NONE"));
    }

    private Socket remember(Socket socket) {
        if (socket instanceof SSLSocket ssl) {
            if (verifiedName.isPresent()) {
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                parameters.setServerNames(List.of(new SNIHostName(verifiedName.get())));
                ssl.setSSLParameters(parameters);
            }
            last = ssl;
        }
        return socket;
    }

    @Override
    public String[] getDefaultCipherSuites() {
        return delegate.getDefaultCipherSuites();
    }

    @Override
    public String[] getSupportedCipherSuites() {
        return delegate.getSupportedCipherSuites();
    }

    @Override
    public Socket createSocket(Socket socket, String host, int port, boolean autoClose) throws IOException {
        return remember(delegate.createSocket(socket, verifiedName.orElse(host), port, autoClose));
    }

    @Override
    public Socket createSocket() throws IOException {
        return remember(delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return remember(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return remember(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return remember(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return remember(delegate.createSocket(address, port, localAddress, localPort));
    }
}
