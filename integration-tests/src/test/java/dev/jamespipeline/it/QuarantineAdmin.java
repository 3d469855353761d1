package dev.jamespipeline.it;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jamespipeline.core.store.StorageKeys;

/**
 * The quarantine of a test James as an operator sees it: WebAdmin's {@code /pipeline/quarantine} routes (with the
 * admin token), and the bytes the quarantine kept in the pipeline's message store.
 */
final class QuarantineAdmin {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A WebAdmin answer: its status and its JSON body (a null node when empty). */
    record Reply(int status, JsonNode json) {
    }

    private final PipelineJames james;

    QuarantineAdmin(PipelineJames james) {
        this.james = james;
    }

    Reply call(String method, String pathAndQuery) throws Exception {
        HttpResponse<String> response = james.webAdmin(method, pathAndQuery);
        return new Reply(response.statusCode(), response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body()));
    }

    /** Every entry WebAdmin lists (one page of the largest size: tests keep fewer). */
    List<JsonNode> entries() throws Exception {
        Reply page = call("GET", "/pipeline/quarantine?limit=1000");
        if (page.status() != 200) {
            throw new AssertionError("GET /pipeline/quarantine answered " + page.status() + ": " + page.json());
        }
        List<JsonNode> entries = new ArrayList<>();
        page.json().path("items").forEach(entries::add);
        return entries;
    }

    /** The listed entry with this quarantine id. */
    Optional<JsonNode> entry(String id) throws Exception {
        return entries().stream().filter(entry -> id.equals(entry.path("id").asText())).findFirst();
    }

    /** The listed entries of one pipeline message. */
    List<JsonNode> entriesOf(String pipelineId) throws Exception {
        return entries().stream().filter(entry -> pipelineId.equals(entry.path("pipelineId").asText())).toList();
    }

    /**
     * The next {@code mail.quarantined} event of this pipeline message in {@code queue} (a tap on the mail events
     * exchange made before the mail was sent); the others are skipped.
     */
    static JsonNode announcement(BrokerTap tap, String queue, String pipelineId, Duration wait) throws Exception {
        return JSON.readTree(tap.nextMatching(queue,
            body -> new String(body, StandardCharsets.UTF_8).contains("\"" + pipelineId + "\""), wait).getBody());
    }

    Reply release(String id) throws Exception {
        return call("POST", "/pipeline/quarantine/" + id + "?action=release");
    }

    /** The message as the quarantine kept it (what a release delivers), from the pipeline's message store. */
    String keptMessage(String id) throws Exception {
        return new String(james.storedMessage(StorageKeys.quarantine(id).value()), StandardCharsets.ISO_8859_1);
    }
}
