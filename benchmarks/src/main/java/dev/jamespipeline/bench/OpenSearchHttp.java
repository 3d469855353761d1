package dev.jamespipeline.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The OpenSearch REST calls the search benchmark makes itself, beside the product's own client:
 * counting and reading an index's documents as any search client would, and removing scratch
 * indexes (also from benchmarks/search.sh: {@code OpenSearchHttp URL delete INDEX...}).
 */
public final class OpenSearchHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int SCAN_PAGE = 1000;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
    private final ObjectMapper json = new ObjectMapper();
    private final URI base;

    OpenSearchHttp(URI base) {
        this.base = base;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || !args[1].equals("delete")) {
            System.err.println("usage: OPENSEARCH_URL delete INDEX...");
            System.exit(2);
        }
        OpenSearchHttp openSearch = new OpenSearchHttp(URI.create(args[0]));
        for (int i = 2; i < args.length; i++) {
            openSearch.deleteIndexAndTemplates(args[i]);
        }
    }

    ObjectMapper json() {
        return json;
    }

    /** Searchable documents of the index matching the query (all of them for null); 0 if the index does not exist yet. */
    long count(String index, JsonNode query) throws IOException, InterruptedException {
        ObjectNode body = json.createObjectNode();
        if (query != null) {
            body.set("query", query);
        }
        HttpResponse<String> response = send("POST", "/" + index + "/_count", body);
        if (response.statusCode() == 404) {
            return 0;
        }
        return ok(response, "count " + index).get("count").asLong();
    }

    /** Makes every document written so far searchable now, instead of at the next periodic refresh. */
    void refresh(String index) throws IOException, InterruptedException {
        ok(send("POST", "/" + index + "/_refresh", null), "refresh " + index);
    }

    JsonNode search(String index, ObjectNode body) throws IOException, InterruptedException {
        return ok(send("POST", "/" + index + "/_search", body), "search " + index);
    }

    /**
     * Every document matching the query, by uid then mailbox, page by page (search_after: no result
     * window limit); the visitor gets each hit's {@code _source}, restricted to the fields named.
     */
    void scan(String index, JsonNode query, List<String> sourceFields, Consumer<JsonNode> visitor)
            throws IOException, InterruptedException {
        JsonNode after = null;
        while (true) {
            ObjectNode body = json.createObjectNode();
            body.put("size", SCAN_PAGE).set("query", query);
            ArrayNode sort = body.putArray("sort");
            sort.addObject().put("uid", "asc");
            sort.addObject().put("mailboxId", "asc");
            sourceFields.forEach(body.putArray("_source")::add);
            if (after != null) {
                body.set("search_after", after);
            }
            ArrayNode hits = (ArrayNode) search(index, body).path("hits").path("hits");
            hits.forEach(hit -> visitor.accept(hit.path("_source")));
            if (hits.size() < SCAN_PAGE) {
                return;
            }
            after = hits.get(hits.size() - 1).get("sort");
        }
    }

    /**
     * Deletes the index and any index template that targets exactly it (the product may register
     * one so that a lost index comes back with its mapping); either may already be gone.
     */
    void deleteIndexAndTemplates(String index) throws IOException, InterruptedException {
        HttpResponse<String> deleted = send("DELETE", "/" + index, null);
        if (deleted.statusCode() != 200 && deleted.statusCode() != 404) {
            throw new IOException("DELETE /" + index + " answered " + deleted.statusCode() + ": " + deleted.body());
        }
        HttpResponse<String> templates = send("GET", "/_index_template", null);
        for (JsonNode template : ok(templates, "list index templates").path("index_templates")) {
            JsonNode patterns = template.path("index_template").path("index_patterns");
            if (patterns.size() == 1 && patterns.get(0).asText().equals(index)) {
                send("DELETE", "/_index_template/" + template.get("name").asText(), null);
            }
        }
    }

    private HttpResponse<String> send(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(TIMEOUT);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(HttpResponse<String> response, String what) throws IOException {
        if (response.statusCode() != 200) {
            throw new IOException("OpenSearch " + what + " answered " + response.statusCode() + ": " + response.body());
        }
        return json.readTree(response.body());
    }
}
