package dev.jamespipeline.server.events;

import javax.inject.Inject;

import org.apache.james.backends.rabbitmq.RabbitMQConfiguration;
import org.apache.james.backends.rabbitmq.RabbitMQManagementAPI;
import org.apache.james.core.healthcheck.ComponentName;
import org.apache.james.core.healthcheck.HealthCheck;
import org.apache.james.core.healthcheck.Result;
import org.apache.james.events.NamingStrategy;

import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Degraded while the mailbox event bus's dead-letter queue on RabbitMQ holds events (an event no node could
 * route). James's {@code RabbitMQEventBusDeadLetterQueueHealthCheck} is not bound: it also reads the JMAP
 * event bus's queue, which only James's distributed app declares, and so is always unhealthy here (HTTP 404).
 */
public class MailboxEventDeadLetterQueueHealthCheck implements HealthCheck {
    public static final ComponentName COMPONENT_NAME = new ComponentName("MailboxEventBusDeadLetterQueue");
    private static final String DEFAULT_VHOST = "/";

    private final RabbitMQConfiguration configuration;
    private final RabbitMQManagementAPI api;

    @Inject
    public MailboxEventDeadLetterQueueHealthCheck(RabbitMQConfiguration configuration) {
        this.configuration = configuration;
        this.api = RabbitMQManagementAPI.from(configuration);
    }

    @Override
    public ComponentName componentName() {
        return COMPONENT_NAME;
    }

    @Override
    public Mono<Result> check() {
        String queue = NamingStrategy.MAILBOX_EVENT_NAMING_STRATEGY.deadLetterQueue().getName();
        return Mono.fromCallable(() -> api.queueDetails(configuration.getVhost().orElse(DEFAULT_VHOST), queue).getQueueLength())
            .map(length -> length == 0
                ? Result.healthy(COMPONENT_NAME)
                : Result.degraded(COMPONENT_NAME, length + " event(s) in RabbitMQ queue " + queue
                    + ": events of the mailbox event bus that no listener could be routed to"))
            .onErrorResume(e -> Mono.just(Result.unhealthy(COMPONENT_NAME, "Cannot read RabbitMQ queue " + queue, e)))
            .subscribeOn(Schedulers.boundedElastic()); // the management API client blocks
    }
}
