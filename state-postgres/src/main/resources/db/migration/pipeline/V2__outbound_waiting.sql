-- Outbound jobs waiting for a retry, as operators see them (WebAdmin). RabbitMQ holds the jobs
-- themselves; a row is written after each attempt that leaves recipients pending, deleted when
-- the job is done. job: the outbound.deliver job (JSON), published again when an operator acts;
-- generation: the current copy of the job (an operator's copy supersedes the one waiting in a delay
-- queue); request: an operator's BOUNCE or DELETE, applied when that copy is delivered.
CREATE TABLE pipeline_outbound_waiting (
    job_id             TEXT PRIMARY KEY,
    job                TEXT NOT NULL,
    domains            TEXT[] NOT NULL,
    pending_recipients TEXT[] NOT NULL,
    attempts           INTEGER NOT NULL,
    next_attempt       TIMESTAMPTZ NOT NULL,
    last_error         TEXT NOT NULL,
    generation         INTEGER NOT NULL DEFAULT 0,
    request            TEXT NOT NULL DEFAULT 'NONE'
);
CREATE INDEX pipeline_outbound_waiting_next_attempt ON pipeline_outbound_waiting (next_attempt);
CREATE INDEX pipeline_outbound_waiting_domains ON pipeline_outbound_waiting USING GIN (domains);
