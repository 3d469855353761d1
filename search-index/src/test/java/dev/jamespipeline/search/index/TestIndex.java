package dev.jamespipeline.search.index;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * A mail index of its own on the test OpenSearch (PIPELINE_TEST_OPENSEARCH_URI, default the
 * local one of scripts/opensearch.sh), created with its mapping and deleted on close.
 */
final class TestIndex implements AutoCloseable {
    static final URI ENDPOINT = URI.create(
        Optional.ofNullable(System.getenv("PIPELINE_TEST_OPENSEARCH_URI")).orElse("http://127.0.0.1:9200"));

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final String name;
    final MailIndex index;

    private TestIndex(String name) {
        this.name = name;
        this.index = MailIndex.connect(settings(name));
    }

    static OpenSearchSettings settings(String indexName) {
        return OpenSearchSettings.defaults().withIndexName(indexName).withUrl(ENDPOINT);
    }

    static String randomName() {
        return "search-index-test-" + UUID.randomUUID();
    }

    static TestIndex create() throws IndexUnavailableException {
        TestIndex test = new TestIndex(randomName());
        test.index.ensureIndex();
        return test;
    }

    void write(List<IndexOperation> operations) throws IndexUnavailableException {
        WriteOutcome outcome = index.write(operations);
        if (!outcome.isComplete()) {
            throw new AssertionError("writes refused: " + outcome.failures());
        }
    }

    /** A raw request to OpenSearch, for what the tests check or set outside the class under test. */
    static String http(String method, String path, String jsonBody) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(ENDPOINT.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody))
            .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
    }

    /** Removes an index and the mapping template {@link MailIndex#ensureIndex()} registers for it. */
    static void delete(String indexName) throws IOException, InterruptedException {
        http("DELETE", "/" + indexName, null);
        http("DELETE", "/_index_template/" + indexName + "-mapping", null);
    }

    @Override
    public void close() throws IOException, InterruptedException {
        index.close();
        delete(name);
    }
}
