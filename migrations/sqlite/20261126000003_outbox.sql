-- Transactional outbox: one row per bus message, written in the same transaction as
-- the change it announces. `seq` is the commit order (SQLite writers are serialised
-- by BEGIN IMMEDIATE), the cursor of the event feed and of live updates.
-- AUTOINCREMENT: a cursor is never reused after old rows are pruned.
CREATE TABLE outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    message_id  BLOB NOT NULL UNIQUE,
    topic       TEXT NOT NULL,
    schema_name TEXT NOT NULL,
    severity    INTEGER NOT NULL DEFAULT 20,
    hackfest_id BLOB NOT NULL,
    object_id   BLOB NOT NULL,
    public      INTEGER NOT NULL DEFAULT 1,
    users       TEXT NOT NULL DEFAULT '[]',
    path        TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    sent_at     TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE sent_at IS NULL;
CREATE INDEX outbox_by_hackfest ON outbox (hackfest_id, seq);
CREATE INDEX outbox_by_age ON outbox (created_at);
