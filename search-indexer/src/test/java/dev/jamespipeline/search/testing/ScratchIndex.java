package dev.jamespipeline.search.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import dev.jamespipeline.search.index.IndexUnavailableException;
import dev.jamespipeline.search.index.MailIndex;
import dev.jamespipeline.search.index.OpenSearchSettings;

/**
 * A mail index of a test's own on the test OpenSearch (PIPELINE_TEST_OPENSEARCH_URI, default the local
 * one of scripts/opensearch.sh): created with its mapping, deleted with its template on close.
 */
public final class ScratchIndex implements AutoCloseable {
    public static final URI OPENSEARCH = URI.create(
        Optional.ofNullable(System.getenv("PIPELINE_TEST_OPENSEARCH_URI")).orElse("http://127.0.0.1:9200"));
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String name;
    private final MailIndex index;

    private ScratchIndex(String name) {
        this.name = name;
        this.index = MailIndex.connect(OpenSearchSettings.defaults().withUrl(OPENSEARCH).withIndexName(name));
    }

    public static ScratchIndex create(String prefix) throws IndexUnavailableException {
        ScratchIndex scratch = new ScratchIndex(prefix + "-" + UUID.randomUUID());
        scratch.index.ensureIndex();
        return scratch;
    }

    public MailIndex index() {
        return index;
    }

    /** A raw request to this index (its path appended to the index's), for what a test sets outside the class under test. */
    public HttpResponse<String> request(String method, String path, String jsonBody) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(OPENSEARCH.resolve("/" + name + path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() throws IOException, InterruptedException {
        index.close();
        for (String path : List.of("/" + name, "/_index_template/" + name + "-mapping")) {
            HTTP.send(HttpRequest.newBuilder(OPENSEARCH.resolve(path)).timeout(Duration.ofSeconds(30)).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        }
    }
}
