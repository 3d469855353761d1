package dev.jamespipeline.it;

import java.time.Duration;

import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;

/**
 * The OpenSearch the tests use: the one named by PIPELINE_TEST_OPENSEARCH_URI (test.sh starts a
 * local one from Maven Central), otherwise a container started once per JVM, security off.
 */
final class OpenSearchEndpoint {
    private static final String ENVIRONMENT_VARIABLE = "PIPELINE_TEST_OPENSEARCH_URI";
    private static String uri;

    private OpenSearchEndpoint() {
    }

    static synchronized String uri() {
        if (uri == null) {
            String configured = System.getenv(ENVIRONMENT_VARIABLE);
            if (configured != null && !configured.isBlank()) {
                uri = configured;
            } else {
                GenericContainer<?> container = new GenericContainer<>("opensearchproject/opensearch:2.19.2")
                    .withEnv("discovery.type", "single-node")
                    .withEnv("DISABLE_SECURITY_PLUGIN", "true")
                    .withEnv("OPENSEARCH_JAVA_OPTS", "-Xms512m -Xmx512m")
                    .withExposedPorts(9200)
                    .waitingFor(Wait.forHttp("/_cluster/health").forPort(9200).withStartupTimeout(Duration.ofMinutes(3)));
                container.start();
                uri = "http://" + container.getHost() + ":" + container.getMappedPort(9200);
            }
        }
        return uri;
    }
}
