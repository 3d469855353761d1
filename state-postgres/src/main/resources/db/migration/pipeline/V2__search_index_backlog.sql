-- Mailbox changes the search index may not show yet (IndexBacklog): written before the IMAP command or
-- delivery that made them answers, deleted once the index shows them to searches. uid 0: the whole mailbox
-- (being re-indexed); mod_seq 9223372036854775807: an expunge. The key serves both reads (by mailbox) and deletes.
CREATE TABLE search_index_backlog (
    mailbox_id  TEXT   NOT NULL,
    uid         BIGINT NOT NULL,
    mod_seq     BIGINT NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (mailbox_id, uid, mod_seq)
);
