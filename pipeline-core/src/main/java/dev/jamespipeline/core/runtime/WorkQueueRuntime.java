package dev.jamespipeline.core.runtime;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;

import dev.jamespipeline.core.PipelineConfiguration;
import dev.jamespipeline.core.broker.BrokerConnection;
import dev.jamespipeline.core.broker.Topology;
import dev.jamespipeline.core.envelope.EnvelopeSigner;

/**
 * The one work-queue runtime every consumer of the pipeline runs on (stages, indexer, outbound):
 * a connection of its own, {@code concurrency} consumers per registered queue, and a supervisor
 * thread that keeps them there. If RabbitMQ is down at start the supervisor keeps trying; a
 * connection loss is healed by the client library's recovery; a consumer lost any other way
 * (cancelled by the broker, its channel closed by an error, a failed subscription) is replaced by
 * the supervisor, with a backoff per consumer. Stopping closes the channels, so unacked messages
 * return to their queues.
 */
public final class WorkQueueRuntime implements AutoCloseable {
    private static final Logger LOGGER = LoggerFactory.getLogger(WorkQueueRuntime.class);
    private static final Duration SUPERVISION_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final long SHUTDOWN_GRACE_SECONDS = 10;

    /** Declares what the registered queues need beyond the pipeline's base topology (declared on connect). */
    @FunctionalInterface
    public interface Declarations {
        void declare(Channel channel) throws IOException;
    }

    private final PipelineConfiguration configuration;
    private final Topology topology;
    private final String name;
    private final FailureRouter router;
    private final EnvelopeSigner signer;
    private final Declarations declarations;
    private final Clock clock;
    private final Duration recoveryInterval;
    private final Map<String, Registered> queues = new LinkedHashMap<>();
    private final List<Slot> slots = new ArrayList<>();
    private ExecutorService callbacks;
    private BrokerConnection connection;
    private Thread supervisor;
    private volatile boolean stopping;
    private volatile boolean paused;
    private volatile boolean declared;

    /** @param signer verifies every delivery before a handler sees it */
    public WorkQueueRuntime(PipelineConfiguration configuration, Topology topology, String name, FailureRouter router,
                            EnvelopeSigner signer, Declarations declarations, Clock clock) {
        this.name = name;
        this.router = router;
        this.signer = signer;
        this.declarations = declarations;
        this.clock = clock;
        this.configuration = configuration;
        this.topology = topology;
        this.recoveryInterval = configuration.networkRecoveryInterval();
    }

    /** Registers a queue before {@link #start()}: {@code policy.concurrency()} consumers will run {@code handler}. */
    public synchronized void register(String queue, QueuePolicy policy, WorkHandler handler) {
        if (supervisor != null) {
            throw new IllegalStateException("register " + queue + " before the runtime starts");
        }
        Registered registered = new Registered(queue, policy, handler, new QueueActivity(clock.instant()));
        queues.put(queue, registered);
        for (int i = 0; i < policy.concurrency(); i++) {
            slots.add(new Slot(registered, name + "-" + queue + "-" + (i + 1)));
        }
    }

    public synchronized void start() {
        AtomicInteger threads = new AtomicInteger();
        callbacks = Executors.newFixedThreadPool(Math.max(1, slots.size()), runnable -> {
            Thread thread = new Thread(runnable, name + "-callbacks-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        connection = new BrokerConnection(configuration, topology, name, callbacks);
        supervisor = new Thread(this::supervise, name + "-supervisor");
        supervisor.setDaemon(true);
        supervisor.start();
    }

    /**
     * Cancels every consumer until {@link #resume()}: messages wait in their queues, unacked ones go back
     * to them (handlers are idempotent). For an operator who needs a queue to stop draining for a while.
     */
    public synchronized void pause() {
        paused = true;
        slots.forEach(Slot::release);
        LOGGER.info("{}: paused, consumers cancelled", name);
    }

    /** Consumers come back within the supervision interval. */
    public void resume() {
        paused = false;
        LOGGER.info("{}: resumed", name);
    }

    public boolean paused() {
        return paused;
    }

    /** The registered queues with their policy, live consumers and activity, for health checks and WebAdmin. */
    public synchronized List<QueueState> states() {
        List<QueueState> states = new ArrayList<>();
        for (Registered registered : queues.values()) {
            int live = (int) slots.stream().filter(slot -> slot.registered == registered && slot.alive()).count();
            states.add(new QueueState(registered.queue, registered.policy, live, registered.activity));
        }
        return states;
    }

    /** One registered queue as the runtime sees it now. */
    public record QueueState(String queue, QueuePolicy policy, int liveConsumers, QueueActivity activity) {
    }

    /** The connection the consumers use, for a health check's passive queue declarations. */
    public BrokerConnection connection() {
        return connection;
    }

    private void supervise() {
        while (!stopping) {
            try {
                Connection opened = connection.get();
                if (opened.isOpen()) {
                    if (!declared) {
                        declareOn(opened);
                        declared = true;
                    }
                    replaceLostConsumers(opened);
                }
            } catch (IOException | RuntimeException e) {
                LOGGER.warn("{}: consumers not (all) running yet: {}", name, e.getMessage());
            }
            sleep(SUPERVISION_INTERVAL);
        }
    }

    private void declareOn(Connection opened) throws IOException {
        try (Channel channel = opened.createChannel()) {
            declarations.declare(channel);
        } catch (TimeoutException e) {
            throw new IOException("Timed out closing the declaring channel", e);
        }
    }

    private synchronized void replaceLostConsumers(Connection opened) {
        for (Slot slot : slots) {
            if (!stopping && !paused && !slot.alive() && slot.dueForAttempt()) {
                try {
                    slot.subscribe(opened);
                } catch (IOException | RuntimeException e) {
                    Duration backoff = slot.failed(recoveryInterval);
                    // A missing queue (deleted by hand) is declared again before the next attempt.
                    declared = false;
                    LOGGER.warn("{}: cannot subscribe to {} ({}); next try in {} ms", name, slot.registered.queue,
                        e.getMessage(), backoff.toMillis());
                }
            }
        }
    }

    @Override
    public void close() {
        stopping = true;
        if (supervisor != null) {
            supervisor.interrupt();
        }
        synchronized (this) {
            slots.forEach(Slot::release);
        }
        if (connection != null) {
            // Unacked messages of handlers still running go back to the queue; idempotent handlers make that safe.
            connection.close();
        }
        if (callbacks != null) {
            callbacks.shutdown();
            try {
                callbacks.awaitTermination(SHUTDOWN_GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record Registered(String queue, QueuePolicy policy, WorkHandler handler, QueueActivity activity) {
    }

    /** One consumer position: replaced with a fresh channel and consumer whenever the one in it is lost. */
    private final class Slot {
        final Registered registered;
        final String workerName;
        WorkQueueConsumer consumer;
        int failures;
        long nextAttemptNanos = System.nanoTime();

        Slot(Registered registered, String workerName) {
            this.registered = registered;
            this.workerName = workerName;
        }

        boolean alive() {
            return consumer != null && consumer.alive();
        }

        boolean dueForAttempt() {
            return System.nanoTime() - nextAttemptNanos >= 0;
        }

        void subscribe(Connection opened) throws IOException {
            boolean replacing = consumer != null;
            release();
            Channel channel = opened.createChannel();
            try {
                channel.basicQos(registered.policy.prefetch());
                WorkQueueConsumer fresh = new WorkQueueConsumer(channel, registered.queue, registered.policy,
                    registered.handler, router, signer, registered.activity, clock, workerName);
                consumer = fresh;
                channel.basicConsume(registered.queue, false, fresh);
            } catch (IOException | RuntimeException e) {
                release();
                closeQuietly(channel);
                throw e;
            }
            failures = 0;
            LOGGER.info("{}: consumer {} on {}{}", name, workerName, registered.queue, replacing ? " (replaced a lost one)" : "");
        }

        Duration failed(Duration base) {
            failures++;
            long millis = Math.min(MAX_BACKOFF.toMillis(), base.toMillis() << Math.min(failures - 1, 10));
            nextAttemptNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
            return Duration.ofMillis(millis);
        }

        void release() {
            if (consumer != null) {
                consumer.stop();
                closeQuietly(consumer.getChannel());
                consumer = null;
            }
        }
    }

    private static void closeQuietly(Channel channel) {
        try {
            if (channel.isOpen()) {
                channel.close();
            }
        } catch (Exception e) {
            LOGGER.debug("Channel already closed", e);
        }
    }
}
