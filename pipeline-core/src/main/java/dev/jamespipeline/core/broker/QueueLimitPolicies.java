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
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.ConnectionFactory;

import dev.jamespipeline.core.PipelineConfiguration;

/**
 * Sets each work queue's limits (max-length, overflow, delivery-limit) as a RabbitMQ policy through the
 * management HTTP API. A queue's x-arguments can never change, a policy can: putting the policy at every
 * declaration makes a changed pipeline.properties take effect at the next start, on a queue full of mail.
 * The user needs the management plugin's {@code policymaker} tag.
 */
public final class QueueLimitPolicies {
    /**
     * One policy applies to a queue, the one of highest priority: ours is above the usual 0 of a
     * catch-all policy an operator may have, so it is not shadowed (and shadows that one on these queues).
     */
    static final int PRIORITY = 10;
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
    QueueLimitPolicies(URI managementUri, PipelineConfiguration configuration) {
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

    public static String policyName(String queue) {
        return queue + "-limits";
    }

    /** A PCRE (the broker's regex engine) that matches exactly {@code name}: anchored, every ASCII symbol escaped. */
    static String exactPattern(String name) {
        StringBuilder pattern = new StringBuilder("^");
        for (char c : name.toCharArray()) {
            if (c < 128 && !Character.isLetterOrDigit(c)) {
                pattern.append('\\');
            }
            pattern.append(c);
        }
        return pattern.append('$').toString();
    }

    /** Puts {@code definition} (policy keys, such as max-length) as the policy of {@code queue} alone. */
    void apply(String queue, Map<String, Object> definition) throws IOException {
        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("pattern", exactPattern(queue));
        policy.put("apply-to", "queues");
        policy.put("priority", PRIORITY);
        policy.put("definition", definition);
        URI uri = api.resolve("policies/" + segment(vhost) + "/" + segment(policyName(queue)));
        HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(TIMEOUT)
            .header("Authorization", authorization)
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(policy)))
            .build();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("Interrupted while setting policy " + policyName(queue));
        } catch (IOException e) {
            throw failure(queue, e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
        if (response.statusCode() / 100 != 2) {
            throw failure(queue, "HTTP " + response.statusCode() + " " + response.body()
                + (response.statusCode() == 401 ? " (wrong credentials, or the user lacks the policymaker tag)" : ""), null);
        }
    }

    private IOException failure(String queue, String reason, Exception cause) {
        return new IOException("Cannot set RabbitMQ policy " + policyName(queue) + " through "
            + PipelineConfiguration.MANAGEMENT_URI + " (" + api + "): " + reason, cause);
    }

    /** One percent-encoded path segment (the default vhost "/" is %2F). */
    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
