-- Messages: content and metadata once per message id, membership (uid, modseq, flags) once per
-- mailbox that holds it. A message is immutable once stored; a copy into another mailbox adds a
-- membership row and reuses the content. The content goes when its last membership goes.

CREATE TABLE message (
    message_id        UUID        PRIMARY KEY,
    -- Order of arrival in this database: lists a thread's messages in the order they came.
    arrival           BIGINT      GENERATED ALWAYS AS IDENTITY,
    thread_id         UUID        NOT NULL,
    internal_date     TIMESTAMPTZ NOT NULL,
    -- Full content octets (header + body).
    size              BIGINT      NOT NULL CHECK (size >= 0),
    body_start_octet  BIGINT      NOT NULL CHECK (body_start_octet >= 0 AND body_start_octet <= size),
    text_line_count   BIGINT,
    mime_type         TEXT,
    mime_subtype      TEXT,
    -- James's MIME properties: [{"namespace": …, "name": …, "value": …}], in their order.
    properties        JSONB       NOT NULL DEFAULT '[]'::jsonb,
    -- The header block, CRLF terminator included (IMAP ENVELOPE and header fetches read only this).
    header_bytes      BYTEA       NOT NULL,
    -- MessageAttachmentMetadata of the attachments stored for this message, in their order.
    attachments       JSONB       NOT NULL DEFAULT '[]'::jsonb
);

CREATE INDEX message_thread_id ON message (thread_id);

-- The body (content after body_start_octet), in fixed-size chunks: written and read a chunk at a
-- time so that no message is ever whole in a James heap.
CREATE TABLE message_body_chunk (
    message_id UUID    NOT NULL REFERENCES message (message_id) ON DELETE CASCADE,
    chunk_no   INTEGER NOT NULL CHECK (chunk_no >= 0),
    bytes      BYTEA   NOT NULL,
    PRIMARY KEY (message_id, chunk_no)
);

-- Chunks are already-compressed mail more often than not: TOAST compression would cost CPU for little.
ALTER TABLE message_body_chunk ALTER COLUMN bytes SET STORAGE EXTERNAL;

CREATE TABLE message_mailbox (
    mailbox_id  UUID        NOT NULL REFERENCES mailbox (mailbox_id) ON DELETE CASCADE,
    uid         BIGINT      NOT NULL CHECK (uid > 0),
    -- No cascade: a message row cannot be deleted while a mailbox still holds it.
    message_id  UUID        NOT NULL REFERENCES message (message_id),
    modseq      BIGINT      NOT NULL CHECK (modseq > 0),
    is_answered BOOLEAN     NOT NULL DEFAULT false,
    is_deleted  BOOLEAN     NOT NULL DEFAULT false,
    is_draft    BOOLEAN     NOT NULL DEFAULT false,
    is_flagged  BOOLEAN     NOT NULL DEFAULT false,
    is_recent   BOOLEAN     NOT NULL DEFAULT false,
    is_seen     BOOLEAN     NOT NULL DEFAULT false,
    -- Sorted, without duplicates (every write normalizes), so equal sets compare equal.
    user_flags  TEXT[]      NOT NULL DEFAULT '{}',
    -- When this membership was made: a copy or a move has its own.
    save_date   TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (mailbox_id, uid)
);

-- CONDSTORE: changes since a modseq.
CREATE INDEX message_mailbox_modseq ON message_mailbox (mailbox_id, modseq);
-- First unseen, unseen count, \Recent, expunge candidates: partial indexes stay small.
CREATE INDEX message_mailbox_unseen ON message_mailbox (mailbox_id, uid) WHERE NOT is_seen;
CREATE INDEX message_mailbox_recent ON message_mailbox (mailbox_id, uid) WHERE is_recent;
CREATE INDEX message_mailbox_deleted ON message_mailbox (mailbox_id, uid) WHERE is_deleted;
-- Message-id lookups (JMAP-style access, copies, the last-membership check).
CREATE INDEX message_mailbox_message ON message_mailbox (message_id);

-- Thread guessing (James's Cassandra and 3.9 PostgreSQL scheme): for each message, one row per
-- Message-ID / In-Reply-To / References value it carries, hashed, with its base subject hashed.
-- Written before the message itself (the guess comes first), so no foreign key to message.
CREATE TABLE message_thread (
    user_name            TEXT    NOT NULL,
    hash_mime_message_id INTEGER NOT NULL,
    message_id           UUID    NOT NULL,
    thread_id            UUID    NOT NULL,
    hash_base_subject    INTEGER,
    PRIMARY KEY (user_name, hash_mime_message_id, message_id)
);

CREATE INDEX message_thread_message ON message_thread (message_id);

-- Attachments parsed out of a message at append (James's AttachmentMapper), content included.
-- Stored before the message row (James stores them first), so no foreign key to message.
CREATE TABLE attachment (
    attachment_id TEXT   PRIMARY KEY,
    message_id    UUID   NOT NULL,
    content_type  TEXT   NOT NULL,
    size          BIGINT NOT NULL CHECK (size >= 0),
    content       BYTEA  NOT NULL
);

CREATE INDEX attachment_message ON attachment (message_id);

-- When the last membership of a message goes (expunge, move, mailbox deletion by cascade), the
-- message goes with its body chunks, attachments and thread rows. A concurrent copy of the same
-- message cannot lose it: the copy's foreign key check and this delete lock the same message
-- row, and whichever comes second fails instead of leaving a membership without content.
CREATE FUNCTION message_delete_unreferenced() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    WITH gone AS (
        DELETE FROM message m
        WHERE m.message_id IN (SELECT DISTINCT message_id FROM removed_memberships)
          AND NOT EXISTS (SELECT 1 FROM message_mailbox mm WHERE mm.message_id = m.message_id)
        RETURNING m.message_id
    ), attachments_gone AS (
        DELETE FROM attachment a USING gone WHERE a.message_id = gone.message_id
    )
    DELETE FROM message_thread t USING gone WHERE t.message_id = gone.message_id;
    RETURN NULL;
END;
$$;

CREATE TRIGGER message_mailbox_delete_unreferenced
    AFTER DELETE ON message_mailbox
    REFERENCING OLD TABLE AS removed_memberships
    FOR EACH STATEMENT EXECUTE FUNCTION message_delete_unreferenced();
