package dev.jamespipeline.mailbox.postgres;

import java.util.Objects;
import java.util.UUID;

import org.apache.james.mailbox.model.MessageId;

/**
 * A message's identity across mailboxes: a random UUID, kept in its own column, so it serializes
 * (the event bus, the indexer and {@code mail.delivered} need that; James's JPA mailbox cannot).
 */
public final class PostgresMessageId implements MessageId {

    public static final class Factory implements MessageId.Factory {
        @Override
        public PostgresMessageId generate() {
            return new PostgresMessageId(UUID.randomUUID());
        }

        @Override
        public PostgresMessageId fromString(String serialized) {
            return of(UUID.fromString(serialized));
        }
    }

    private final UUID uuid;

    private PostgresMessageId(UUID uuid) {
        this.uuid = Objects.requireNonNull(uuid, "uuid");
    }

    public static PostgresMessageId of(UUID uuid) {
        return new PostgresMessageId(uuid);
    }

    public UUID asUuid() {
        return uuid;
    }

    @Override
    public String serialize() {
        return uuid.toString();
    }

    @Override
    public boolean isSerializable() {
        return true;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PostgresMessageId other && uuid.equals(other.uuid);
    }

    @Override
    public int hashCode() {
        return uuid.hashCode();
    }

    @Override
    public String toString() {
        return "PostgresMessageId{" + uuid + "}";
    }
}
