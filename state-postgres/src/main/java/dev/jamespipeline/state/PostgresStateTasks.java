package dev.jamespipeline.state;

import java.util.Optional;

import javax.sql.DataSource;

import dev.jamespipeline.core.broker.EventPublisher;
import dev.jamespipeline.core.envelope.EnvelopeCodec;
import dev.jamespipeline.core.retention.RetentionSchedule;
import dev.jamespipeline.core.runtime.BackgroundTasks;
import dev.jamespipeline.core.state.StateSettings;

/**
 * A node's share of the work the PostgreSQL state needs: the outbox relay (when the ledger, and so the
 * mailbox's append hook, is in PostgreSQL) and the retention sweeper.
 */
public final class PostgresStateTasks implements BackgroundTasks {
    private final Optional<OutboxRelay> relay;
    private final RetentionSchedule sweeper;

    public PostgresStateTasks(DataSource dataSource, EventPublisher events, EnvelopeCodec codec, StateSettings settings) {
        this.relay = settings.ledgerBackend() == StateSettings.Backend.POSTGRES
            ? Optional.of(new OutboxRelay(dataSource, events, codec, settings.outboxPoll()))
            : Optional.empty();
        this.sweeper = new RetentionSchedule("PostgreSQL state",
            new RetentionSweeper(dataSource, settings.storeGrace(), settings.ledgerRetention()), settings.sweepInterval());
    }

    @Override
    public void start() {
        relay.ifPresent(OutboxRelay::start);
        sweeper.start();
    }

    @Override
    public void close() {
        relay.ifPresent(OutboxRelay::close);
        sweeper.close();
    }
}
