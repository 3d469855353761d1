package dev.jamespipeline.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A RabbitMQ virtual host of its own on the test broker ({@code PIPELINE_TEST_AMQP_URI}, else the local
 * one as guest), made and removed through the management API: the pipeline declares its whole durable
 * topology on connect, and deleting the vhost removes all of it. It can also close a client's
 * connection, as a broker restart or a network cut would.
 */
public final class RabbitMQTestVhost implements AutoCloseable {
    private static final String AMQP_VARIABLE = "PIPELINE_TEST_AMQP_URI";
    private static final String MANAGEMENT_VARIABLE = "PIPELINE_TEST_MANAGEMENT_URI";

    private static final ObjectMapper JSON = new ObjectMapper();

    // HTTP/1.1: the management API breaks the connection of an h2c upgrade that carries a body.
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI broker;
    private final URI management;
    private final String authorization;
    private final String name = "state-it-" + UUID.randomUUID();

    public RabbitMQTestVhost() throws IOException, InterruptedException {
        String amqp = System.getenv().getOrDefault(AMQP_VARIABLE, "amqp://guest:guest@127.0.0.1:5672/%2F");
        this.broker = URI.create(amqp);
        String configured = System.getenv(MANAGEMENT_VARIABLE);
        this.management = URI.create(configured != null && !configured.isBlank() ? configured
            : "http://" + broker.getHost() + ":15672");
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(broker.getUserInfo().getBytes(StandardCharsets.UTF_8));
        send("PUT", "/api/vhosts/" + encoded(name), "{}");
        send("PUT", "/api/permissions/" + encoded(name) + "/" + encoded(user()),
            "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
    }

    /** The broker's AMQP URI with this vhost. */
    public String amqpUri() {
        return broker.getScheme() + "://" + broker.getRawUserInfo() + "@" + broker.getHost() + ":" + broker.getPort() + "/"
            + encoded(name);
    }

    /**
     * Closes, from the broker's side, the client connection named {@code connectionName} (the name a client
     * gives it), once the management API lists it (its listing lags the broker by up to a few seconds).
     */
    public void closeConnection(String connectionName) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            for (JsonNode connection : JSON.readTree(send("GET", "/api/vhosts/" + encoded(name) + "/connections", null))) {
                if (connectionName.equals(connection.path("client_properties").path("connection_name").asText())) {
                    send("DELETE", "/api/connections/" + encoded(connection.get("name").asText()), null);
                    return;
                }
            }
            Thread.sleep(200);
        }
        throw new IOException("the management API never listed connection '" + connectionName + "'");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        send("DELETE", "/api/vhosts/" + encoded(name), null);
    }

    private String user() {
        return broker.getUserInfo().substring(0, broker.getUserInfo().indexOf(':'));
    }

    private String send(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(management.resolve(path)).header("Authorization", authorization);
        request = json == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
            : request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300 && response.statusCode() != 404) {
            throw new IOException(method + " " + path + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    private static String encoded(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
