-- Mailboxes, their UID and modseq counters, ACLs, annotations and subscriptions.
-- Correctness across James nodes comes from here, not from James's JVM-local path locker:
-- the unique path constraint stops two nodes creating the same mailbox, and last_uid /
-- highest_modseq are only ever advanced by UPDATE ... RETURNING, which row-locks the mailbox.

CREATE TABLE mailbox (
    mailbox_id     UUID    PRIMARY KEY,
    namespace      TEXT    NOT NULL,
    -- NULL for a mailbox that belongs to no user (James's MailboxPath allows it).
    user_name      TEXT,
    name           TEXT    NOT NULL,
    uid_validity   BIGINT  NOT NULL,
    -- The last UID handed out; 0 before the first message.
    last_uid       BIGINT  NOT NULL DEFAULT 0 CHECK (last_uid >= 0),
    -- The highest modseq handed out; 0 before the first change.
    highest_modseq BIGINT  NOT NULL DEFAULT 0 CHECK (highest_modseq >= 0),
    -- RFC 4314 ACL: {"<entry key as James serializes it>": "<rights as James serializes them>"}.
    acl            JSONB   NOT NULL DEFAULT '{}'::jsonb,
    CONSTRAINT mailbox_path_unique UNIQUE NULLS NOT DISTINCT (namespace, user_name, name)
);

-- Shared mailboxes of a user: WHERE acl ? '<user>' (findNonPersonalMailboxes).
CREATE INDEX mailbox_acl_keys ON mailbox USING GIN (acl);

CREATE TABLE mailbox_annotation (
    mailbox_id     UUID NOT NULL REFERENCES mailbox (mailbox_id) ON DELETE CASCADE,
    -- MailboxAnnotationKey.asString(): lower case, '/'-separated, [a-z0-9/] only.
    annotation_key TEXT NOT NULL,
    value          TEXT NOT NULL,
    PRIMARY KEY (mailbox_id, annotation_key)
);

-- A subscription names a mailbox path, not a mailbox: it outlives the mailbox (RFC 3501 6.3.6).
CREATE TABLE subscription (
    user_name TEXT NOT NULL,
    mailbox   TEXT NOT NULL,
    PRIMARY KEY (user_name, mailbox)
);
