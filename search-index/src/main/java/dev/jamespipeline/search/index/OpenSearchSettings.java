package dev.jamespipeline.search.index;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the mail index lives and how it is created.
 *
 * @param url            OpenSearch's HTTP endpoint, {@code http} or {@code https}, without a path
 * @param user           basic-auth user, if the cluster wants one
 * @param password       its password; given exactly when {@code user} is
 * @param indexName      the index holding every mailbox's messages
 * @param shards         primary shards of a newly created index
 * @param replicas       replicas of each shard of a newly created index
 * @param requestTimeout how long one request may take (connecting, and waiting for the answer)
 */
public record OpenSearchSettings(
        URI url,
        Optional<String> user,
        Optional<String> password,
        String indexName,
        int shards,
        int replicas,
        Duration requestTimeout) {

    public static final URI DEFAULT_URL = URI.create("http://127.0.0.1:9200");
    public static final String DEFAULT_INDEX_NAME = "james-mail-v2";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

    // OpenSearch's rule for index names (it would refuse the others when the index is created).
    private static final Pattern INDEX_NAME = Pattern.compile("[^-_+.A-Z\\\\/*?\"<>|,# :][^A-Z\\\\/*?\"<>|,# :]{0,254}");

    public OpenSearchSettings {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(indexName, "indexName");
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("OpenSearch url must be http:// or https://, got " + url);
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("OpenSearch url has no host: " + url);
        }
        if (url.getPath() != null && !url.getPath().isEmpty() && !"/".equals(url.getPath())) {
            throw new IllegalArgumentException("OpenSearch url must not have a path (" + url.getPath() + "): " + url);
        }
        if (user.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("OpenSearch user and password go together: give both or neither");
        }
        if (!INDEX_NAME.matcher(indexName).matches()) {
            throw new IllegalArgumentException("Invalid OpenSearch index name '" + indexName
                + "': lower case, at most 255 characters, none of \\ / * ? \" < > | , # : or space, not starting with - _ + .");
        }
        if (shards < 1) {
            throw new IllegalArgumentException("The index needs at least one shard, got " + shards);
        }
        if (replicas < 0) {
            throw new IllegalArgumentException("Replicas cannot be negative, got " + replicas);
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("The OpenSearch request timeout must be positive, got " + requestTimeout);
        }
    }

    /** One shard, no replica: a single node, as in tests and small installations. */
    public OpenSearchSettings(URI url, Optional<String> user, Optional<String> password, String indexName,
                              Duration requestTimeout) {
        this(url, user, password, indexName, 1, 0, requestTimeout);
    }

    /** Every default: the local OpenSearch of {@code scripts/opensearch.sh}, index {@value #DEFAULT_INDEX_NAME}. */
    public static OpenSearchSettings defaults() {
        return new OpenSearchSettings(DEFAULT_URL, Optional.empty(), Optional.empty(), DEFAULT_INDEX_NAME,
            DEFAULT_REQUEST_TIMEOUT);
    }

    public OpenSearchSettings withUrl(URI otherUrl) {
        return new OpenSearchSettings(otherUrl, user, password, indexName, shards, replicas, requestTimeout);
    }

    public OpenSearchSettings withIndexName(String otherIndexName) {
        return new OpenSearchSettings(url, user, password, otherIndexName, shards, replicas, requestTimeout);
    }

    /** Hides the password. */
    @Override
    public String toString() {
        return "OpenSearchSettings[url=" + url + ", user=" + user.orElse("(none)") + ", indexName=" + indexName
            + ", shards=" + shards + ", replicas=" + replicas + ", requestTimeout=" + requestTimeout + "]";
    }
}
