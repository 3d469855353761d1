package dev.jamespipeline.core.broker;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.ConnectionFactory;

import dev.jamespipeline.core.PipelineConfiguration;

/**
 * RabbitMQ's management HTTP API ({@code amqp.management.uri}), on the pipeline's vhost: queue limit
 * policies are put through it, and the state sampler reads queue statistics and node alarms from it.
 */
public final class ManagementApi {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** HTTP/1.1: the management plugin's server drops a request that offers an HTTP/2 upgrade with a body. */
    private final HttpClient client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(TIMEOUT)
        .build();
    private final URI api;
    private final String vhost;
    private final String authorization;

    /** Credentials from the management URI's user info, else from amqp.uri's; the vhost is amqp.uri's. */
    public ManagementApi(URI managementUri, PipelineConfiguration configuration) {
        ConnectionFactory amqp = new ConnectionFactory();
        try {
            amqp.setUri(configuration.amqpUri());
        } catch (URISyntaxException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Invalid " + PipelineConfiguration.AMQP_URI + ": " + e.getMessage(), e);
        }
        String userInfo = managementUri.getUserInfo() != null
            ? managementUri.getUserInfo()
            : amqp.getUsername() + ":" + amqp.getPassword();
        String path = managementUri.getRawPath() == null ? "" : managementUri.getRawPath().replaceAll("/+$", "");
        this.api = URI.create(managementUri.getScheme() + "://" + managementUri.getHost()
            + (managementUri.getPort() >= 0 ? ":" + managementUri.getPort() : "") + path + "/api/");
        this.vhost = amqp.getVirtualHost();
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    /** The pipeline's vhost, percent-encoded as one path segment (the default vhost "/" is %2F). */
    public String vhostSegment() {
        return segment(vhost);
    }

    /** One percent-encoded path segment. */
    public static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** GET {@code /api/<path>} as JSON; fails on anything but a 2xx answer. */
    public JsonNode get(String path) throws IOException {
        HttpResponse<String> response = send(request(path).GET().build(), path);
        return JSON.readTree(response.body());
    }

    /** PUT {@code body} as JSON to {@code /api/<path>}; fails on anything but a 2xx answer. */
    public void put(String path, Object body) throws IOException {
        send(request(path).header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body))).build(), path);
    }

    /** The API's base, for messages. */
    public URI base() {
        return api;
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(api.resolve(path)).timeout(TIMEOUT).header("Authorization", authorization);
    }

    private HttpResponse<String> send(HttpRequest request, String path) throws IOException {
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted during " + request.method() + " " + path);
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException("HTTP " + response.statusCode() + " " + response.body()
                + (response.statusCode() == 401 ? " (wrong credentials, or the user lacks a tag this call needs)" : ""));
        }
        return response;
    }
}
