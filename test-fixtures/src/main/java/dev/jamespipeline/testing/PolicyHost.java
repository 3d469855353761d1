package dev.jamespipeline.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

/**
 * A real HTTPS server for MTA-STS policy hosts: the JDK's {@code HttpsServer} on port 443 of a loopback address of
 * its own (127.0.54.x), with a self-signed certificate for the given host names. Each host's answer is set by the
 * test ({@link #serve}); requests are counted per host.
 */
public final class PolicyHost implements AutoCloseable {
    /** What one policy host answers. */
    public record Answer(int status, Map<String, String> headers, byte[] body, Sending sending) {
        /** How the body is sent: with its length, in chunks without one, or in chunks of one byte every 200 ms. */
        public enum Sending { WHOLE, CHUNKED, DRIP }

        public Answer(int status, Map<String, String> headers, byte[] body) {
            this(status, headers, body, Sending.WHOLE);
        }

        public static Answer policy(String text) {
            return new Answer(200, Map.of("Content-Type", "text/plain; charset=utf-8"), text.getBytes(StandardCharsets.UTF_8));
        }

        /** The body in chunks, without a Content-Length: its size is only known by reading it. */
        public static Answer chunkedPolicy(String text) {
            return new Answer(200, Map.of("Content-Type", "text/plain"), text.getBytes(StandardCharsets.UTF_8), Sending.CHUNKED);
        }

        /** A policy host that never stops sending, slowly enough that no single read times out. */
        public static Answer drippingPolicy(String text) {
            return new Answer(200, Map.of("Content-Type", "text/plain"), text.getBytes(StandardCharsets.UTF_8), Sending.DRIP);
        }
    }

    private final HttpsServer server;
    private final X509Certificate certificate;
    private final Map<String, Answer> answers = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> requests = new ConcurrentHashMap<>();

    private PolicyHost(HttpsServer server, X509Certificate certificate) {
        this.server = server;
        this.certificate = certificate;
    }

    /** Starts with a certificate valid for {@code hostNames} only. */
    public static PolicyHost start(String... hostNames) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        X509Certificate certificate = selfSigned(keys, hostNames);
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("policy-host", keys.getPrivate(), "secret".toCharArray(), new X509Certificate[] {certificate});
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keyStore, "secret".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keyManagers.getKeyManagers(), null, null);
        SecureRandom random = new SecureRandom();
        for (int attempt = 0; attempt < 20; attempt++) {
            InetAddress address = InetAddress.getByName("127.0.54." + (2 + random.nextInt(250)));
            try {
                HttpsServer server = HttpsServer.create(new InetSocketAddress(address, 443), 16);
                server.setHttpsConfigurator(new HttpsConfigurator(tls));
                server.setExecutor(Executors.newCachedThreadPool()); // a dripping answer must not hold up the others
                PolicyHost host = new PolicyHost(server, certificate);
                server.createContext("/", host::handle);
                server.start();
                return host;
            } catch (BindException taken) {
                // another test's address: try the next
            }
        }
        throw new IllegalStateException("no free 127.0.54.x:443 in 20 attempts");
    }

    public InetAddress address() {
        return server.getAddress().getAddress();
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public void serve(String hostName, Answer answer) {
        answers.put(hostName.toLowerCase(Locale.ROOT), answer);
    }

    public int requestsFor(String hostName) {
        AtomicInteger count = requests.get(hostName.toLowerCase(Locale.ROOT));
        return count == null ? 0 : count.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String host = exchange.getRequestHeaders().getFirst("Host").replaceFirst(":443$", "").toLowerCase(Locale.ROOT);
        requests.computeIfAbsent(host, h -> new AtomicInteger()).incrementAndGet();
        Answer answer = exchange.getRequestURI().getPath().equals("/.well-known/mta-sts.txt") ? answers.get(host) : null;
        if (answer == null) {
            answer = new Answer(404, Map.of("Content-Type", "text/plain"), "not found".getBytes(StandardCharsets.US_ASCII));
        }
        answer.headers().forEach(exchange.getResponseHeaders()::add);
        exchange.sendResponseHeaders(answer.status(),
            answer.sending() != Answer.Sending.WHOLE ? 0 : answer.body().length == 0 ? -1 : answer.body().length);
        try (OutputStream body = exchange.getResponseBody()) {
            if (answer.sending() == Answer.Sending.DRIP) {
                for (byte b : answer.body()) {
                    body.write(b);
                    body.flush();
                    Thread.sleep(200);
                }
            } else {
                body.write(answer.body());
            }
        } catch (IOException clientLeft) {
            // a client that refuses an oversized or endless body hangs up mid-way
        } catch (InterruptedException stopping) {
            Thread.currentThread().interrupt();
        }
    }

    private static X509Certificate selfSigned(KeyPair keys, String... hostNames) throws Exception {
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + hostNames[0]);
        GeneralNames names = new GeneralNames(Arrays.stream(hostNames)
            .map(name -> new GeneralName(GeneralName.dNSName, name)).toArray(GeneralName[]::new));
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.valueOf(now.toEpochMilli()),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false, names);
        return new JcaX509CertificateConverter().getCertificate(
            builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
