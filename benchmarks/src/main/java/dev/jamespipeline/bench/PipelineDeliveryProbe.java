package dev.jamespipeline.bench;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.AMQP;

/**
 * Counts the pipeline's deliveries from its own {@code mail.delivered} events: a durable queue of
 * ours, bound before the load starts, collects every event; distinct pipeline ids are the
 * delivered messages (each benchmark message has one recipient). Its stage queues' ready
 * messages, read by passive declares, are the queue view. The queue is deleted on close.
 */
final class PipelineDeliveryProbe implements DeliveryProbe {
    private final Connection connection;
    private final Channel consumerChannel;
    private final Channel depthChannel;
    private final String eventQueue;
    private final List<String> stageQueues;
    private final Set<String> deliveredIds = ConcurrentHashMap.newKeySet();

    PipelineDeliveryProbe(String amqpUri, String topologyPrefix, List<String> stageQueues) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(amqpUri);
        this.connection = factory.newConnection("bench-end-to-end-probe");
        this.stageQueues = stageQueues.stream().map(name -> topologyPrefix + name).toList();
        this.eventQueue = "bench-e2e-delivered-" + System.nanoTime();
        this.consumerChannel = connection.createChannel();
        this.depthChannel = connection.createChannel();
        consumerChannel.queueDeclare(eventQueue, true, false, false, Map.of());
        consumerChannel.queueBind(eventQueue, topologyPrefix + "mail.events", "mail.delivered");
        ObjectMapper json = new ObjectMapper();
        consumerChannel.basicQos(500);
        consumerChannel.basicConsume(eventQueue, false, new DefaultConsumer(consumerChannel) {
            @Override
            public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties properties, byte[] body)
                    throws IOException {
                JsonNode pipelineId = json.readTree(body).get("pipelineId");
                if (pipelineId != null && !pipelineId.isNull()) {
                    deliveredIds.add(pipelineId.asText());
                }
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            }
        });
    }

    @Override
    public long delivered() {
        return deliveredIds.size();
    }

    @Override
    public long queued() throws IOException {
        long ready = 0;
        for (String queue : stageQueues) {
            ready += depthChannel.queueDeclarePassive(queue).getMessageCount();
        }
        return ready;
    }

    @Override
    public String howCounted() {
        return "delivered = distinct pipelineIds in mail.delivered events (our durable queue " + eventQueue
            + "); queued = ready messages in " + String.join(", ", stageQueues) + " (passive declare)";
    }

    @Override
    public void close() throws Exception {
        depthChannel.queueDelete(eventQueue);
        connection.close();
    }
}
