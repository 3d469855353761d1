package dev.jamespipeline.it;

import org.testcontainers.containers.RabbitMQContainer;

/**
 * The broker the tests use: the one named by PIPELINE_TEST_AMQP_URI (CI and machines without a
 * Docker engine), otherwise a RabbitMQ container started once per JVM, as James's own tests do.
 */
final class RabbitMQEndpoint {
    private static final String ENVIRONMENT_VARIABLE = "PIPELINE_TEST_AMQP_URI";
    private static final String MANAGEMENT_VARIABLE = "PIPELINE_TEST_MANAGEMENT_URI";
    private static String uri;
    private static String managementUri;

    private RabbitMQEndpoint() {
    }

    static synchronized String amqpUri() {
        if (uri == null) {
            String configured = System.getenv(ENVIRONMENT_VARIABLE);
            if (configured != null && !configured.isBlank()) {
                uri = configured;
            } else {
                RabbitMQContainer container = new RabbitMQContainer("rabbitmq:3.12-management");
                container.start();
                uri = container.getAmqpUrl();
                managementUri = container.getHttpUrl();
            }
        }
        return uri;
    }

    /** Its management HTTP API: PIPELINE_TEST_MANAGEMENT_URI, else port 15672 of the broker's host. */
    static synchronized String managementUri() {
        String amqp = amqpUri();
        if (managementUri == null) {
            String configured = System.getenv(MANAGEMENT_VARIABLE);
            managementUri = configured != null && !configured.isBlank()
                ? configured
                : "http://" + java.net.URI.create(amqp).getHost() + ":15672";
        }
        return managementUri;
    }
}
