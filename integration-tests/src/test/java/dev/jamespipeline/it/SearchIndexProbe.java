package dev.jamespipeline.it;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Reads a test's OpenSearch index directly, to check what the indexer wrote. */
final class SearchIndexProbe {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String indexName;
    private final String indexUri;
    private final HttpClient http = HttpClient.newHttpClient();

    SearchIndexProbe(String indexName) {
        this.indexName = indexName;
        this.indexUri = OpenSearchEndpoint.uri() + "/" + indexName;
    }

    /** The documents whose subject contains this exact phrase (after a refresh, so recent writes count). */
    List<JsonNode> documentsWithSubject(String subject) throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(indexUri + "/_refresh")).POST(HttpRequest.BodyPublishers.noBody()));
        String query = JSON.writeValueAsString(Map.of("size", 100,
            "query", Map.of("match_phrase", Map.of("subject", subject))));
        HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(indexUri + "/_search"))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(query)));
        if (response.statusCode() == 404) {
            return List.of();
        }
        List<JsonNode> documents = new ArrayList<>();
        JSON.readTree(response.body()).path("hits").path("hits").forEach(hit -> documents.add(hit.path("_source")));
        return documents;
    }

    /** Loses the index, as an operator's mistake or a broken disk would. */
    void deleteIndex() throws IOException, InterruptedException {
        send(HttpRequest.newBuilder(URI.create(indexUri)).DELETE());
    }

    /** Removes the index and the mapping template the indexer registers for it: the test's clean-up. */
    void deleteIndexAndTemplate() throws IOException, InterruptedException {
        deleteIndex();
        send(HttpRequest.newBuilder(URI.create(OpenSearchEndpoint.uri() + "/_index_template/" + indexName + "-mapping"))
            .DELETE());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
