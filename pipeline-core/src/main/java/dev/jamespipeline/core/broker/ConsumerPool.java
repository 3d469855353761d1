package dev.jamespipeline.core.broker;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Consumer;

import dev.jamespipeline.core.PipelineConfiguration;

/**
 * A connection of its own and a fixed number of consuming channels. If RabbitMQ is down when the
 * pool starts, it keeps trying in the background and subscribes as soon as the broker is
 * reachable; after that the client library's recovery brings connection and consumers back.
 * Stopping closes the channels first, so unacked messages return to their queues.
 */
public final class ConsumerPool {
    private static final Logger LOGGER = LoggerFactory.getLogger(ConsumerPool.class);
    private static final long SHUTDOWN_GRACE_SECONDS = 10;

    /** Opens the pool's consumers once connected; called once. */
    @FunctionalInterface
    public interface Subscriptions {
        void open(Connection connection) throws IOException;
    }

    private final PipelineConfiguration configuration;
    private final String name;
    private final ExecutorService executor;
    private final BrokerConnection connection;
    private final List<Channel> channels = new ArrayList<>();
    private Thread connector;
    private volatile boolean stopping;

    /** @param consumers how many channels consume in parallel: the size of the callback thread pool */
    public ConsumerPool(PipelineConfiguration configuration, Topology topology, String name, int consumers) {
        this.configuration = configuration;
        this.name = name;
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(consumers, runnable -> {
            Thread thread = new Thread(runnable, name + "-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.connection = new BrokerConnection(configuration, topology, name, executor);
    }

    public void start(Subscriptions subscriptions) {
        connector = new Thread(() -> connectUntilStopped(subscriptions), name + "-connector");
        connector.setDaemon(true);
        connector.start();
    }

    /** Starts one consumer on a new channel with {@code prefetch} unacked messages. */
    public synchronized void consume(Connection opened, String queue, int prefetch,
                                     Function<Channel, Consumer> consumerFactory) throws IOException {
        Channel channel = opened.createChannel();
        channel.basicQos(prefetch);
        channel.basicConsume(queue, false, consumerFactory.apply(channel));
        channels.add(channel);
    }

    private void connectUntilStopped(Subscriptions subscriptions) {
        while (!stopping) {
            try {
                subscriptions.open(connection.get());
                return;
            } catch (IOException | RuntimeException e) {
                // Also the connection dropping half-way (AlreadyClosedException): start over, from no consumer.
                LOGGER.warn("{}: consumers not started yet: {}", name, e.getMessage());
                closeChannels();
                sleepQuietly(configuration.networkRecoveryInterval().toMillis());
            }
        }
    }

    private synchronized void closeChannels() {
        for (Channel channel : channels) {
            try {
                channel.close();
            } catch (Exception e) {
                LOGGER.debug("Channel already closed", e);
            }
        }
        channels.clear();
    }

    public void stop() {
        stopping = true;
        if (connector != null) {
            connector.interrupt();
        }
        closeChannels();
        // Unacked messages of handlers still running go back to the queue; idempotent handlers make that safe.
        connection.close();
        executor.shutdown();
        try {
            executor.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
