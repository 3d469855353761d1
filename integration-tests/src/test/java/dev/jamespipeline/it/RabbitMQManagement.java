package dev.jamespipeline.it;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.ConnectionFactory;

/** The test's view of the broker's management HTTP API: a queue as the broker reports it, policy removal. */
final class RabbitMQManagement {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final String api;
    private final String vhost;
    private final String authorization;
    private final String user;

    RabbitMQManagement(String amqpUri, String managementUri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(amqpUri);
        this.api = managementUri + "/api/";
        this.vhost = segment(factory.getVirtualHost());
        this.user = factory.getUsername();
        this.authorization = "Basic " + Base64.getEncoder().encodeToString(
            (factory.getUsername() + ":" + factory.getPassword()).getBytes(StandardCharsets.UTF_8));
    }

    /** GET /api/queues/{vhost}/{queue}: arguments, policy, effective_policy_definition... */
    JsonNode queue(String queue) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("queues/" + vhost + "/" + segment(queue))).GET());
        if (response.statusCode() != 200) {
            throw new AssertionError("GET queue " + queue + ": HTTP " + response.statusCode() + " " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Deleting a policy that does not exist is a no-op (404). */
    void deletePolicy(String name) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("policies/" + vhost + "/" + segment(name))).DELETE());
        if (response.statusCode() / 100 != 2 && response.statusCode() != 404) {
            throw new AssertionError("DELETE policy " + name + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    /** A vhost of its own, with every permission for the user of the AMQP URI this was made with. */
    void createVhost(String name) throws IOException, InterruptedException {
        expect2xx("PUT vhost " + name, send(HttpRequest.newBuilder(uri("vhosts/" + segment(name)))
            .PUT(HttpRequest.BodyPublishers.noBody())));
        expect2xx("PUT permissions on " + name, send(HttpRequest.newBuilder(uri("permissions/" + segment(name) + "/" + segment(user)))
            .header("Content-Type", "application/json")
            .PUT(HttpRequest.BodyPublishers.ofString("{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}"))));
    }

    /** Deletes the vhost with its queues and exchanges. */
    void deleteVhost(String name) throws IOException, InterruptedException {
        expect2xx("DELETE vhost " + name, send(HttpRequest.newBuilder(uri("vhosts/" + segment(name))).DELETE()));
    }

    /** GET /api/queues/{vhost}: every queue of that vhost, with its message counts. */
    JsonNode queuesOf(String vhostName) throws IOException, InterruptedException {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("queues/" + segment(vhostName))).GET());
        expect2xx("GET queues of " + vhostName, response);
        return JSON.readTree(response.body());
    }

    private static void expect2xx(String what, HttpResponse<String> response) {
        if (response.statusCode() / 100 != 2) {
            throw new AssertionError(what + ": HTTP " + response.statusCode() + " " + response.body());
        }
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.header("Authorization", authorization).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(api + path);
    }

    private static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
