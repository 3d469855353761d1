package dev.jamespipeline.it;

import org.testcontainers.containers.RabbitMQContainer;

/**
 * The broker the tests use: the one named by PIPELINE_TEST_AMQP_URI (CI and machines without a
 * Docker engine), otherwise a RabbitMQ container started once per JVM, as James's own tests do.
 */
final class RabbitMQEndpoint {
    private static final String ENVIRONMENT_VARIABLE = "PIPELINE_TEST_AMQP_URI";
    private static String uri;

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
            }
        }
        return uri;
    }
}
