package dev.jamespipeline.ops.webadmin;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

import javax.inject.Inject;
import javax.inject.Named;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ShutdownSignalException;

import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.ConnectionNames;

/**
 * Short-lived channels for operator requests, on the connection the pipeline publishes on (as the
 * health check does): a request never holds a channel beyond its own duration.
 */
final class AdminChannels {
    private static final int NOT_FOUND = 404;

    private final BrokerConnection connection;

    @Inject
    AdminChannels(@Named(ConnectionNames.PUBLISHER) BrokerConnection connection) {
        this.connection = connection;
    }

    Channel open() throws IOException {
        Connection opened = connection.get();
        try {
            Channel channel = opened.createChannel();
            if (channel == null) {
                throw new IOException("RabbitMQ at " + connection.endpoint() + " allows no more channels on this connection");
            }
            return channel;
        } catch (ShutdownSignalException e) {
            throw new IOException("connection to RabbitMQ at " + connection.endpoint() + " is down, recovering", e);
        }
    }

    /**
     * On a channel of its own: RabbitMQ answers a passive declare of a missing queue by closing the
     * channel, which would break whatever else the caller does on its channel.
     */
    boolean exists(String queue) throws IOException {
        Channel probe = open();
        try {
            probe.queueDeclarePassive(queue);
            return true;
        } catch (IOException e) {
            if (e.getCause() instanceof ShutdownSignalException signal && !signal.isHardError()
                    && signal.getReason() instanceof AMQP.Channel.Close close && close.getReplyCode() == NOT_FOUND) {
                return false;
            }
            throw e;
        } finally {
            close(probe);
        }
    }

    /** Messages taken from a queue on this channel without an ack go back to their queue. */
    static void close(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (IOException | TimeoutException | ShutdownSignalException ignored) {
            // the broker closed it already, which returns unacked messages just the same
        }
    }
}
