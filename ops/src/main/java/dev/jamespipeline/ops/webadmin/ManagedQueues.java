package dev.jamespipeline.ops.webadmin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import javax.inject.Inject;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;

import dev.jamespipeline.core.broker.Topology;

/**
 * The work queues an operator can inspect and replay into: every stage queue, the outbound queue,
 * and the index queue where some node running the indexer has declared it.
 */
final class ManagedQueues {
    private final AdminChannels channels;
    private final Topology topology;

    @Inject
    ManagedQueues(AdminChannels channels, Topology topology) {
        this.channels = channels;
        this.topology = topology;
    }

    List<String> names() throws IOException {
        List<String> names = new ArrayList<>(topology.workQueues());
        if (channels.exists(topology.indexQueue())) {
            names.add(topology.indexQueue());
        }
        return names;
    }

    /** @return {@code queue} when it is one of {@link #names()} */
    String require(String queue) throws IOException, UnknownQueueException {
        List<String> names = names();
        if (!names.contains(queue)) {
            throw new UnknownQueueException(queue, names);
        }
        return queue;
    }

    List<QueueStatus> status() throws IOException {
        List<String> names = names();
        Channel channel = channels.open();
        try {
            List<QueueStatus> statuses = new ArrayList<>();
            for (String queue : names) {
                AMQP.Queue.DeclareOk work = channel.queueDeclarePassive(queue);
                List<QueueDepth> retries = new ArrayList<>();
                for (String delayQueue : topology.delayQueues(queue)) {
                    retries.add(depth(channel, delayQueue));
                }
                statuses.add(new QueueStatus(queue, work.getMessageCount(), work.getConsumerCount(),
                    depth(channel, topology.deadLetterQueue(queue)), retries));
            }
            return statuses;
        } finally {
            AdminChannels.close(channel);
        }
    }

    private static QueueDepth depth(Channel channel, String queue) throws IOException {
        return new QueueDepth(queue, channel.messageCount(queue));
    }
}
