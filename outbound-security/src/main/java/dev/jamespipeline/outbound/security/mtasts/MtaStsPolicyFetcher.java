package dev.jamespipeline.outbound.security.mtasts;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

import org.apache.http.Header;
import org.apache.http.HeaderElement;
import org.apache.http.HttpEntity;
import org.apache.http.ParseException;
import org.apache.http.client.config.RequestConfig;
import org.apache.http.client.methods.CloseableHttpResponse;
import org.apache.http.client.methods.HttpGet;
import org.apache.http.config.RegistryBuilder;
import org.apache.http.conn.DnsResolver;
import org.apache.http.conn.socket.ConnectionSocketFactory;
import org.apache.http.conn.ssl.DefaultHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.http.impl.conn.PoolingHttpClientConnectionManager;
import org.apache.james.dnsservice.api.DNSService;

/**
 * Fetches a domain's MTA-STS policy from {@code https://mta-sts.<domain>/.well-known/mta-sts.txt} (RFC 8461
 * section 3.3) with Apache HttpClient (shipped with James): the host resolved through James's
 * {@code DNSService}, like the MX hosts; its certificate validated against the trusted authorities and the
 * policy host name; redirects not followed; no cookies, no retries, no caching; a {@code text/plain} body
 * of at most {@code maxPolicyBytes}; every step and the whole body bounded by {@code timeout}.
 */
public final class MtaStsPolicyFetcher implements Closeable {
    public static final String WELL_KNOWN_PATH = "/.well-known/mta-sts.txt";

    private final CloseableHttpClient http;
    private final Duration timeout;
    private final int maxPolicyBytes;

    public MtaStsPolicyFetcher(DNSService dns, SSLContext tls, Duration timeout, int maxPolicyBytes) {
        this.timeout = timeout;
        this.maxPolicyBytes = maxPolicyBytes;
        DnsResolver resolver = host -> {
            InetAddress[] addresses = dns.getAllByName(host).toArray(InetAddress[]::new);
            if (addresses.length == 0) {
                throw new UnknownHostException(host);
            }
            return addresses;
        };
        SSLConnectionSocketFactory https = new SSLConnectionSocketFactory(tls, new String[] {"TLSv1.3", "TLSv1.2"},
            null, new DefaultHostnameVerifier());
        PoolingHttpClientConnectionManager connections = new PoolingHttpClientConnectionManager(
            RegistryBuilder.<ConnectionSocketFactory>create().register("https", https).build(), null, null, resolver,
            30, TimeUnit.SECONDS);
        int millis = Math.toIntExact(timeout.toMillis());
        this.http = HttpClients.custom()
            .setConnectionManager(connections)
            .setDefaultRequestConfig(RequestConfig.custom()
                .setConnectTimeout(millis)
                .setSocketTimeout(millis)
                .setConnectionRequestTimeout(millis)
                .setRedirectsEnabled(false)
                .build())
            .disableRedirectHandling()
            .disableAutomaticRetries()
            .disableCookieManagement()
            .disableAuthCaching()
            .disableContentCompression()
            .setUserAgent("james-pipeline MTA-STS")
            .build();
    }

    public MtaStsPolicy fetch(String domain) throws PolicyFetchException {
        String body = fetchBody(domain);
        try {
            return MtaStsPolicy.parse(body);
        } catch (InvalidPolicyException e) {
            throw new PolicyFetchException(PolicyFetchException.Kind.POLICY_INVALID,
                "MTA-STS policy of " + domain + " is invalid: " + e.getMessage(), e);
        }
    }

    private String fetchBody(String domain) throws PolicyFetchException {
        String url = "https://mta-sts." + domain + WELL_KNOWN_PATH;
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpGet get = new HttpGet(url);
        try (CloseableHttpResponse response = http.execute(get)) {
            int status = response.getStatusLine().getStatusCode();
            if (status != 200) {
                throw fetchError(url, "answered HTTP " + status + (status / 100 == 3 ? " (redirects are not followed)" : ""));
            }
            HttpEntity entity = response.getEntity();
            String mimeType = entity == null ? null : mimeType(entity.getContentType());
            if (!"text/plain".equalsIgnoreCase(mimeType)) {
                throw fetchError(url, "answered Content-Type " + (mimeType == null ? "(none)" : mimeType) + ", not text/plain");
            }
            if (entity.getContentLength() > maxPolicyBytes) {
                throw fetchError(url, "announced " + entity.getContentLength() + " bytes, more than " + maxPolicyBytes);
            }
            return utf8(url, readLimited(url, entity.getContent(), deadline));
        } catch (SSLException e) {
            throw new PolicyFetchException(PolicyFetchException.Kind.WEBPKI_INVALID,
                url + ": the policy host's certificate is not valid: " + e.getMessage(), e);
        } catch (IOException | IllegalArgumentException | ParseException e) {
            throw new PolicyFetchException(PolicyFetchException.Kind.FETCH_ERROR, url + ": " + e, e);
        } finally {
            get.abort(); // a refused body is not read to its end
        }
    }

    /** The media type alone: its parameters (a charset Java does not know...) do not matter, the body must be UTF-8. */
    private static String mimeType(Header contentType) {
        if (contentType == null) {
            return null;
        }
        HeaderElement[] elements = contentType.getElements();
        return elements.length == 0 ? null : elements[0].getName();
    }

    private byte[] readLimited(String url, InputStream body, long deadline) throws IOException, PolicyFetchException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int n;
        while ((n = body.read(buffer)) >= 0) {
            read.write(buffer, 0, n);
            if (read.size() > maxPolicyBytes) {
                throw fetchError(url, "sent more than " + maxPolicyBytes + " bytes");
            }
            if (System.nanoTime() - deadline > 0) {
                throw fetchError(url, "took more than " + timeout.toMillis() + " ms to send the policy");
            }
        }
        return read.toByteArray();
    }

    private static String utf8(String url, byte[] body) throws PolicyFetchException {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(body))
                .toString();
        } catch (CharacterCodingException e) {
            throw new PolicyFetchException(PolicyFetchException.Kind.POLICY_INVALID, url + ": the policy is not UTF-8 text", e);
        }
    }

    private static PolicyFetchException fetchError(String url, String what) {
        return new PolicyFetchException(PolicyFetchException.Kind.FETCH_ERROR, url + " " + what, null);
    }

    @Override
    public void close() throws IOException {
        http.close();
    }
}
