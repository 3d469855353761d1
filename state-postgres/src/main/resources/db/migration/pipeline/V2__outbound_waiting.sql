-- Outbound jobs waiting for a retry, as operators see them (WebAdmin). RabbitMQ holds the jobs
-- themselves; a row is written after each attempt that leaves recipients pending, deleted when
-- the job is done. generation: the current copy of the job (an operator's retry supersedes the
-- copy waiting in a delay queue); request: an operator's BOUNCE or DELETE, applied at the next attempt.
CREATE TABLE pipeline_outbound_waiting (
    job_id             TEXT PRIMARY KEY,
    pipeline_id        TEXT NOT NULL,
    sender             TEXT NOT NULL,
    domains            TEXT[] NOT NULL,
    pending_recipients TEXT[] NOT NULL,
    attempts           INTEGER NOT NULL,
    first_received     TIMESTAMPTZ NOT NULL,
    next_attempt       TIMESTAMPTZ NOT NULL,
    last_error         TEXT NOT NULL,
    generation         INTEGER NOT NULL DEFAULT 0,
    request            TEXT NOT NULL DEFAULT 'NONE'
);
CREATE INDEX pipeline_outbound_waiting_next_attempt ON pipeline_outbound_waiting (next_attempt);
CREATE INDEX pipeline_outbound_waiting_domains ON pipeline_outbound_waiting USING GIN (domains);
