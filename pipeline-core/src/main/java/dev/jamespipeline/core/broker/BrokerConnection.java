package dev.jamespipeline.core.broker;

import java.io.IOException;
import java.net.URISyntaxException;
import java.security.GeneralSecurityException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import dev.jamespipeline.core.PipelineConfiguration;

/**
 * One named AMQP connection, opened on first use and recovered by the client library after
 * network failures (consumers, channels and topology included). If the broker is unreachable
 * when James starts, James still starts; callers get a clear error until the broker is back.
 */
public final class BrokerConnection implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(BrokerConnection.class);
    private static final int CONNECT_TIMEOUT_MS = 2_000;

    private final ConnectionFactory factory;
    private final String name;
    private final Topology topology;
    private final long retryIntervalNanos;
    private Connection connection;
    private long nextAttemptNanos = System.nanoTime();

    public BrokerConnection(PipelineConfiguration configuration, Topology topology, String name) {
        this(configuration, topology, name, null);
    }

    /** @param consumerExecutor runs consumer callbacks; size it to the number of channels that consume in parallel */
    public BrokerConnection(PipelineConfiguration configuration, Topology topology, String name,
                            ExecutorService consumerExecutor) {
        this.factory = new ConnectionFactory();
        if (consumerExecutor != null) {
            factory.setSharedExecutor(consumerExecutor);
        }
        try {
            factory.setUri(configuration.amqpUri());
        } catch (URISyntaxException | GeneralSecurityException e) {
            throw new IllegalArgumentException("Invalid " + PipelineConfiguration.AMQP_URI + ": " + e.getMessage(), e);
        }
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(configuration.networkRecoveryInterval().toMillis());
        factory.setConnectionTimeout(CONNECT_TIMEOUT_MS);
        factory.setHandshakeTimeout(CONNECT_TIMEOUT_MS * 2);
        factory.setRequestedHeartbeat(15);
        this.name = name;
        this.topology = topology;
        this.retryIntervalNanos = configuration.networkRecoveryInterval().toNanos();
    }

    /** The open (or recovering) connection; connects first if needed, at most once per recovery interval. */
    public synchronized Connection get() throws IOException {
        if (connection != null) {
            return connection;
        }
        if (System.nanoTime() - nextAttemptNanos < 0) {
            throw new IOException("RabbitMQ at " + endpoint() + " was unreachable moments ago; retrying soon");
        }
        try {
            Connection opened = factory.newConnection(name);
            declareTopology(opened);
            connection = opened;
            LOGGER.info("Connected to RabbitMQ at {} as '{}'", endpoint(), name);
            return opened;
        } catch (IOException | TimeoutException e) {
            nextAttemptNanos = System.nanoTime() + retryIntervalNanos;
            throw new IOException("Cannot connect to RabbitMQ at " + endpoint() + ": " + describe(e), e);
        }
    }

    /**
     * The declaring channel stays open with the connection: the client library re-declares recorded
     * entities on the channel that declared them when it recovers, and a closed channel would fail that.
     */
    private void declareTopology(Connection opened) throws IOException {
        try {
            Channel channel = opened.createChannel();
            topology.declare(channel);
        } catch (IOException | RuntimeException e) {
            closeQuietly(opened);
            if (isPreconditionFailed(e)) {
                throw new IOException("Declaring the pipeline topology failed: " + describe(e) + ". A queue's type and "
                    + "x-arguments never change: after changing " + PipelineConfiguration.QUEUE_TYPE + ", or switching "
                    + PipelineConfiguration.MANAGEMENT_URI + " on (or off) for queues declared without (or with) it, "
                    + "stop every node, drain and delete the queue (or move its messages with a shovel), then start "
                    + "again. See README, \"Changing a queue policy\".", e);
            }
            throw new IOException("Declaring the pipeline topology failed: " + describe(e), e);
        }
    }

    /** The broker's answer to redeclaring an existing queue with another type or other x-arguments. */
    private static boolean isPreconditionFailed(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof com.rabbitmq.client.ShutdownSignalException signal
                    && signal.getReason() instanceof AMQP.Channel.Close close
                    && close.getReplyCode() == AMQP.PRECONDITION_FAILED) {
                return true;
            }
        }
        return false;
    }

    public String endpoint() {
        return factory.getHost() + ":" + factory.getPort() + factory.getVirtualHost();
    }

    static String describe(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        if (e instanceof com.rabbitmq.client.ShutdownSignalException signal) {
            return String.valueOf(signal.getReason());
        }
        if (e.getCause() instanceof com.rabbitmq.client.ShutdownSignalException signal) {
            return String.valueOf(signal.getReason());
        }
        return cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }

    private static void closeQuietly(Connection opened) {
        try {
            opened.abort(CONNECT_TIMEOUT_MS);
        } catch (RuntimeException ignored) {
            // already broken: nothing left to release
        }
    }

    @Override
    public synchronized void close() {
        if (connection != null) {
            closeQuietly(connection);
            connection = null;
        }
    }
}
