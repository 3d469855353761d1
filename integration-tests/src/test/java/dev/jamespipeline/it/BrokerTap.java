package dev.jamespipeline.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;

/** The test's own view of the broker: taps on exchanges, raw publishes, queue reads. */
final class BrokerTap implements AutoCloseable {
    private final Connection connection;
    private final Channel channel;

    BrokerTap(String amqpUri) throws Exception {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setUri(amqpUri);
        connection = factory.newConnection("pipeline-test-tap");
        channel = connection.createChannel();
    }

    /** A private queue receiving copies of what is published to exchange/routingKey from now on. */
    String tap(String exchange, String routingKey) throws IOException {
        String queue = channel.queueDeclare().getQueue();
        channel.queueBind(queue, exchange, routingKey);
        return queue;
    }

    GetResponse next(String queue, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            GetResponse response = channel.basicGet(queue, true);
            if (response != null) {
                return response;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("nothing arrived in " + queue + " within " + timeout);
    }

    /** The first message in queue whose body satisfies the predicate; others are consumed and skipped. */
    GetResponse nextMatching(String queue, java.util.function.Predicate<byte[]> predicate, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            GetResponse response = next(queue, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            if (predicate.test(response.getBody())) {
                return response;
            }
        }
    }

    List<GetResponse> drain(String queue) throws IOException {
        List<GetResponse> all = new ArrayList<>();
        for (GetResponse response = channel.basicGet(queue, true); response != null; response = channel.basicGet(queue, true)) {
            all.add(response);
        }
        return all;
    }

    /**
     * Consumes what queue holds now and says whether a body contains {@code text}: what was published (confirmed)
     * to a tapped exchange before this call is in it.
     */
    boolean drainedAnyContaining(String queue, String text) throws IOException {
        return drain(queue).stream().anyMatch(response -> new String(response.getBody(), StandardCharsets.UTF_8).contains(text));
    }

    void publish(String exchange, String routingKey, AMQP.BasicProperties properties, byte[] body) throws Exception {
        channel.confirmSelect();
        channel.basicPublish(exchange, routingKey, true, properties, body);
        channel.waitForConfirmsOrDie(5_000);
    }

    long readyCount(String queue) throws IOException {
        return channel.queueDeclarePassive(queue).getMessageCount();
    }

    int consumerCount(String queue) throws IOException {
        return channel.queueDeclarePassive(queue).getConsumerCount();
    }

    void bind(String queue, String exchange, String routingKey) throws IOException {
        channel.queueBind(queue, exchange, routingKey);
    }

    void unbind(String queue, String exchange, String routingKey) throws IOException {
        channel.queueUnbind(queue, exchange, routingKey);
    }

    void deleteQueue(String queue) throws IOException {
        channel.queueDelete(queue);
    }

    void deleteExchange(String exchange) throws IOException {
        channel.exchangeDelete(exchange);
    }

    @Override
    public void close() throws IOException, TimeoutException {
        connection.close();
    }
}
