package dev.jamespipeline.it;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** An HTTP client for James's WebAdmin routes under /pipeline/queues. */
final class QueueRoutesClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newHttpClient();
    private final String base;
    private final String tasks;
    private final String token;

    QueueRoutesClient(PipelineJames james) {
        this.base = james.webAdminUri("/pipeline/queues").toString();
        this.tasks = james.webAdminUri("/tasks").toString();
        this.token = james.webAdminToken();
    }

    Reply status() throws Exception {
        return send("GET", "");
    }

    Reply peek(String queue, String query) throws Exception {
        return send("GET", "/" + encode(queue) + "/dead-letters" + query);
    }

    /** Dead letters of every queue. */
    Reply all(String query) throws Exception {
        return send("GET", "/dead-letters" + query);
    }

    Reply inspect(String queue, String messageId) throws Exception {
        return send("GET", "/" + encode(queue) + "/dead-letters/" + encode(messageId));
    }

    /** Starts a replay task and waits for it: 201 and the finished task ({@code status}, {@code additionalInformation}), or the error. */
    Reply replay(String queue, String query) throws Exception {
        return awaitTask(send("POST", "/" + encode(queue) + "/dead-letters" + query));
    }

    Reply replayOne(String queue, String messageId) throws Exception {
        return awaitTask(send("POST", "/" + encode(queue) + "/dead-letters/" + encode(messageId) + "?action=replay"));
    }

    private Reply awaitTask(Reply posted) throws Exception {
        if (posted.status() != 201) {
            return posted;
        }
        HttpResponse<String> task = http.send(HttpRequest.newBuilder(
                URI.create(tasks + "/" + posted.json().path("taskId").asText() + "/await?timeout=60s"))
            .header("Authorization", WebAdminToken.bearer(token)).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(posted.status(), JSON.readTree(task.body()));
    }

    Reply purge(String queue, String query) throws Exception {
        return send("DELETE", "/" + encode(queue) + "/dead-letters" + query);
    }

    /** A queue's entry in {@code GET /pipeline/queues}, or null when it is not listed. */
    JsonNode statusOf(String queue) throws Exception {
        for (JsonNode entry : status().json()) {
            if (queue.equals(entry.path("name").asText())) {
                return entry;
            }
        }
        return null;
    }

    long deadLetterCount(String queue) throws Exception {
        return statusOf(queue).path("deadLetters").path("messages").asLong();
    }

    private Reply send(String method, String pathAndQuery) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .header("Authorization", WebAdminToken.bearer(token))
            .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(response.statusCode(), JSON.readTree(response.body()));
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8);
    }

    record Reply(int status, JsonNode json) {
        /** A replay task's progress. */
        JsonNode details() {
            return json.path("additionalInformation");
        }
    }
}
