package dev.jamespipeline.it;

import java.util.ArrayList;
import java.util.List;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.QueueLimitPolicies;
import dev.jamespipeline.core.broker.Topology;

/** Pipeline queues are durable: each test removes its own so the shared broker does not collect them. */
final class TopologyCleanup {
    private TopologyCleanup() {
    }

    static void delete(String amqpUri, PipelineConfiguration configuration) throws Exception {
        Topology topology = new Topology(configuration);
        try (BrokerTap tap = new BrokerTap(amqpUri)) {
            List<String> queues = new ArrayList<>(topology.workQueues());
            // Declared only by the server main; deleting a queue that does not exist is a no-op.
            queues.add(topology.indexQueue());
            for (String queue : queues) {
                tap.deleteQueue(queue);
                tap.deleteQueue(topology.deadLetterQueue(queue));
                for (String delayQueue : topology.delayQueues(queue)) {
                    tap.deleteQueue(delayQueue);
                }
            }
            if (configuration.managementUri().isPresent()) {
                RabbitMQManagement management = new RabbitMQManagement(amqpUri, RabbitMQEndpoint.managementUri());
                for (String queue : queues) {
                    management.deletePolicy(QueueLimitPolicies.policyName(queue));
                }
            }
            for (String exchange : List.of(topology.mailEventsExchange(), topology.outboundJobsExchange(),
                    topology.securityJobsExchange(), topology.telemetryExchange(), topology.configChangedExchange(),
                    topology.deadLetterExchange(), topology.stagesExchange())) {
                tap.deleteExchange(exchange);
            }
        }
    }
}
