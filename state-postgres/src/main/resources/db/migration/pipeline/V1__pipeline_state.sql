-- The pipeline's shared state. Every time is the database's now(), one clock for every node.

-- Effects a pipeline message already had (LedgerEntry): the primary key is the claim.
CREATE TABLE pipeline_ledger (
    pipeline_id TEXT NOT NULL,
    effect      TEXT NOT NULL,
    subject     TEXT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline_id, effect, subject)
);
CREATE INDEX pipeline_ledger_recorded_at ON pipeline_ledger (recorded_at);

-- One row per pipeline delivery into one mailbox, written in the mailbox's own transaction: a second
-- delivery of a pipeline message into the same mailbox of the same user violates the key and rolls
-- the append back. message_id tells a user's later COPY/MOVE of that message (same message id) from a delivery.
CREATE TABLE pipeline_mailbox_delivery (
    pipeline_id  TEXT NOT NULL,
    username     TEXT NOT NULL,
    mailbox_id   TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    delivered_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (pipeline_id, username, mailbox_id)
);
CREATE INDEX pipeline_mailbox_delivery_delivered_at ON pipeline_mailbox_delivery (delivered_at);

-- Events written in the transaction that caused them, published by the OutboxRelay, deleted after the broker's confirm.
CREATE TABLE pipeline_outbox (
    id          BIGSERIAL PRIMARY KEY,
    routing_key TEXT NOT NULL,
    payload     BYTEA NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Raw messages while the pipeline works on them (PostgresMessageStore). released_at: the last step that needed
-- the message finished; the retention sweeper deletes it a grace period later.
CREATE TABLE pipeline_message (
    storage_key TEXT PRIMARY KEY,
    content     BYTEA NOT NULL,
    sha256      TEXT NOT NULL,
    size        BIGINT NOT NULL,
    stored_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    released_at TIMESTAMPTZ
);
CREATE INDEX pipeline_message_released_at ON pipeline_message (released_at) WHERE released_at IS NOT NULL;
-- Mail is mostly base64 or already compressed: skip TOAST compression, it costs CPU on every write for little.
ALTER TABLE pipeline_message ALTER COLUMN content SET STORAGE EXTERNAL;

-- Messages withdrawn at ingest (the client was answered 451), so a stage can tell them from lost ones.
CREATE TABLE pipeline_withdrawn_message (
    storage_key  TEXT PRIMARY KEY,
    withdrawn_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX pipeline_withdrawn_message_withdrawn_at ON pipeline_withdrawn_message (withdrawn_at);
