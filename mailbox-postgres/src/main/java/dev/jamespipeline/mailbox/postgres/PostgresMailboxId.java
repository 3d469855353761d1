package dev.jamespipeline.mailbox.postgres;

import java.util.Objects;
import java.util.UUID;

import org.apache.james.mailbox.model.MailboxId;

/** A mailbox's identity: a random UUID, the primary key of table {@code mailbox}. */
public final class PostgresMailboxId implements MailboxId {

    public static final class Factory implements MailboxId.Factory {
        @Override
        public PostgresMailboxId fromString(String serialized) {
            return of(UUID.fromString(serialized));
        }
    }

    private final UUID uuid;

    private PostgresMailboxId(UUID uuid) {
        this.uuid = Objects.requireNonNull(uuid, "uuid");
    }

    public static PostgresMailboxId of(UUID uuid) {
        return new PostgresMailboxId(uuid);
    }

    public static PostgresMailboxId generate() {
        return new PostgresMailboxId(UUID.randomUUID());
    }

    public UUID asUuid() {
        return uuid;
    }

    @Override
    public String serialize() {
        return uuid.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PostgresMailboxId other && uuid.equals(other.uuid);
    }

    @Override
    public int hashCode() {
        return uuid.hashCode();
    }

    @Override
    public String toString() {
        return "PostgresMailboxId{" + uuid + "}";
    }
}
