package dev.jamespipeline.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The few James WebAdmin requests the benchmarks need, on 127.0.0.1, with the admin token that
 * benchmarks/lib.sh's start_james exports as BENCH_WEBADMIN_TOKEN.
 */
final class WebAdmin {
    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = new ObjectMapper();
    private final String authorization = "Bearer " + System.getenv().getOrDefault("BENCH_WEBADMIN_TOKEN", "");
    private final int port;

    WebAdmin(int port) {
        this.port = port;
    }

    /**
     * Messages in the users' INBOXes together (0 for a user without one yet), asked all at once so
     * a busy server answers a hundred users within a sampling second.
     */
    long inboxCountSum(List<String> users) {
        List<CompletableFuture<HttpResponse<String>>> responses = users.stream()
            .map(user -> http.sendAsync(request("/users/" + user + "/mailboxes/INBOX/messageCount"), HttpResponse.BodyHandlers.ofString()))
            .toList();
        return responses.stream().map(CompletableFuture::join)
            .mapToLong(response -> response.statusCode() == 200 ? Long.parseLong(response.body().trim()) : 0)
            .sum();
    }

    /** Mail waiting in one of James's mail queues ("spool" holds what the mailet container has not processed). */
    long mailQueueSize(String queue) throws IOException, InterruptedException {
        return json.readTree(get("/mailQueues/" + queue)).get("size").asLong();
    }

    /** The body of a GET answered 200. */
    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request(path), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** POST path without a body: the status code and the body of the answer, whatever they are. */
    HttpResponse<String> post(String path) throws IOException, InterruptedException {
        HttpRequest post = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", authorization)
            .POST(HttpRequest.BodyPublishers.noBody()).build();
        return http.send(post, HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).header("Authorization", authorization).build();
    }
}
